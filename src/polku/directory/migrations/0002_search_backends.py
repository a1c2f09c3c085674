"""Full-text search structures per database (see docs/decisions/009-finnish-search.md).

PostgreSQL: generated tsvector columns with the 'simple' configuration over the lexemes that Polku's
Finnish normaliser wrote (so PostgreSQL's own stemmer never sees raw text), GIN indexes, and a trigram
index on the vocabulary for typo tolerance. SQLite: an FTS5 virtual table with the same three texts,
kept in step by polku.directory.search.
"""

from django.db import migrations

POSTGRES_FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    """ALTER TABLE directory_searchdocument ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
         setweight(to_tsvector('simple'::regconfig, title_lexemes), 'A')
         || setweight(to_tsvector('simple'::regconfig, body_lexemes), 'B')) STORED""",
    """ALTER TABLE directory_searchdocument ADD COLUMN facet_vector tsvector GENERATED ALWAYS AS (
         to_tsvector('simple'::regconfig, facets)) STORED""",
    "CREATE INDEX directory_search_vector_gin ON directory_searchdocument USING gin (search_vector)",
    "CREATE INDEX directory_facet_vector_gin ON directory_searchdocument USING gin (facet_vector)",
    "CREATE INDEX directory_lexeme_trgm ON directory_searchlexeme USING gin (lexeme gin_trgm_ops)",
]
POSTGRES_BACKWARD = [
    "DROP INDEX IF EXISTS directory_lexeme_trgm",
    "ALTER TABLE directory_searchdocument DROP COLUMN IF EXISTS facet_vector",
    "ALTER TABLE directory_searchdocument DROP COLUMN IF EXISTS search_vector",
]
# remove_diacritics 0: "ä" and "a" are different letters in Finnish ("säde" is not "sade").
SQLITE_FORWARD = ["""CREATE VIRTUAL TABLE directory_search_fts USING fts5(
    title, body, facets, tokenize = "unicode61 remove_diacritics 0")"""]
SQLITE_BACKWARD = ["DROP TABLE IF EXISTS directory_search_fts"]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)
    return run


class Migration(migrations.Migration):
    dependencies = [("directory", "0001_initial")]

    operations = [
        migrations.RunPython(_run({"postgresql": POSTGRES_FORWARD, "sqlite": SQLITE_FORWARD}),
                             _run({"postgresql": POSTGRES_BACKWARD, "sqlite": SQLITE_BACKWARD})),
    ]
