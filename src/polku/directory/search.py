"""Search over the directory in fi/sv/en: one normalisation, two engines (PostgreSQL FTS, SQLite FTS5).

Index: every entry becomes a SearchDocument whose `title_lexemes`/`body_lexemes` hold the lexemes of
polku.directory.finnish (base forms and compound parts). PostgreSQL turns them into tsvectors with the
'simple' configuration (generated columns, GIN); SQLite keeps the FTS5 table `directory_search_fts`.

Query: each word becomes "any of its whole-word lexemes, or all of its compound parts"; words are
combined with AND (with OR as a second try when AND finds nothing). The user's text never reaches
either query language: only lexemes made of letters and digits do, each quoted, so quotes, `&|!:*` and
SQL or FTS syntax in a query are just characters that are dropped.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from django.db import connection, transaction
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from polku.directory import finnish
from polku.directory.models import (
    DirectoryOrganisation,
    Expert,
    NetworkMember,
    Project,
    Publication,
    SearchDocument,
    SearchIndexState,
    SearchLexeme,
    Service,
    Training,
)
from polku.directory.search_documents import BUILDERS, DocumentDraft, facet

MIN_WORD = 2
MAX_WORDS = 8  # a pasted paragraph is not a query; the first words are enough
CANDIDATES = 1000  # matches ranked per query (see _run)
TYPO_CANDIDATES = 3


@dataclass(frozen=True)
class SearchFilters:
    kinds: tuple[str, ...] = ()
    area: str = ""
    municipality: str = ""
    language: str = ""
    target_group: str = ""
    service_type: str = ""
    free_only: bool = False

    def tokens(self) -> list[str]:
        tokens = []
        for prefix, value in (("a", self.area), ("m", self.municipality), ("l", self.language),
                              ("t", self.target_group), ("s", self.service_type)):
            if value:
                tokens.append(facet(prefix, value))
        if self.free_only:
            tokens.append("free")
        return tokens

    def kind_tokens(self) -> list[str]:
        return [facet("k", kind) for kind in self.kinds]

    @property
    def active(self) -> bool:
        return bool(self.tokens() or self.kinds)


@dataclass
class SearchHit:
    kind: str
    object_id: int
    document: SearchDocument
    score: float


@dataclass
class SearchResult:
    hits: list[SearchHit]
    total: int
    lexemes: frozenset[str] = frozenset()
    notices: list[str] = field(default_factory=list)
    corrections: dict[str, list[str]] = field(default_factory=dict)
    normaliser: str = ""
    searched: bool = True

    @property
    def capped(self) -> bool:
        """More matches than are ranked: the page says "more than N" and asks to narrow the search."""
        return self.total > CANDIDATES


# --- Indexing -----------------------------------------------------------------------------------

def _is_sqlite() -> bool:
    return connection.vendor == "sqlite"


def _prefetched(model):
    related = {
        Service: (["organisation__organisation", "organisation__organisation__network_membership"],
                  ["service_types", "target_groups", "languages", "service_areas__area__collaboration_area",
                   "service_areas__municipality__area__collaboration_area",
                   "service_at_locations__location__municipality"]),
        Project: ([], ["target_groups", "methods", "areas__collaboration_area",
                       "municipalities__area__collaboration_area"]),
        Training: ([], ["topics"]),
        Publication: ([], ["topics"]),
        Expert: (["organisation", "area__collaboration_area"], ["topics"]),
    }
    select, prefetch = related.get(model, ([], []))
    return model.objects.select_related(*select).prefetch_related(*prefetch)


def _store(drafts: Sequence[DocumentDraft]) -> None:
    """Replace the documents of the drafts (and their FTS5 rows), and grow the vocabulary."""
    if not drafts:
        return
    keys = {(draft.kind, draft.object_id) for draft in drafts}
    existing = list(SearchDocument.objects.filter(kind__in={k for k, _i in keys},
                                                  object_id__in={i for _k, i in keys}).values_list(
        "id", "kind", "object_id"))
    stale = [pk for pk, kind, object_id in existing if (kind, object_id) in keys]
    if stale:
        _delete_fts(stale)
        SearchDocument.objects.filter(pk__in=stale).delete()
    documents, vocabulary = [], set()
    for draft in drafts:
        title, body = draft.lexemes()
        vocabulary.update(title.split())
        vocabulary.update(body.split())
        documents.append(SearchDocument(
            kind=draft.kind, object_id=draft.object_id, is_demo=draft.is_demo,
            title_fi=draft.titles.get("fi") or draft.titles.get("en") or "", title_sv=draft.titles.get("sv", ""),
            title_en=draft.titles.get("en", ""), summary_fi=draft.summaries.get("fi", ""),
            summary_sv=draft.summaries.get("sv", ""), summary_en=draft.summaries.get("en", ""),
            title_lexemes=title, body_lexemes=body, facets=" ".join(sorted(draft.facets))))
    created = SearchDocument.objects.bulk_create(documents, batch_size=1000)
    if _is_sqlite():
        if any(document.pk is None for document in created):  # older SQLite without RETURNING
            created = list(SearchDocument.objects.filter(
                kind__in={d.kind for d in documents}, object_id__in={d.object_id for d in documents}))
        with connection.cursor() as cursor:
            # A flush in tests empties the documents but not the FTS5 table: clear the rowids first.
            cursor.executemany("DELETE FROM directory_search_fts WHERE rowid = %s", [(d.pk,) for d in created])
            cursor.executemany(
                "INSERT INTO directory_search_fts(rowid, title, body, facets) VALUES (%s, %s, %s, %s)",
                [(document.pk, document.title_lexemes, document.body_lexemes, document.facets)
                 for document in created])
    SearchLexeme.objects.bulk_create([SearchLexeme(lexeme=lexeme[:100]) for lexeme in sorted(vocabulary)],
                                     ignore_conflicts=True, batch_size=2000)
    if not SearchIndexState.objects.exists():
        # The first documents name the analyser that made them, so that a later change of analyser (Voikko
        # installed afterwards) is noticed by the search instead of silently mixing two kinds of lexemes.
        SearchIndexState.objects.create(normaliser=finnish.normaliser_name())


def _delete_fts(pks: Iterable[int]) -> None:
    if _is_sqlite():
        with connection.cursor() as cursor:
            cursor.executemany("DELETE FROM directory_search_fts WHERE rowid = %s", [(pk,) for pk in pks])


def index_entry(entry) -> None:
    """(Re)index one entry; called by every curation service inside its transaction."""
    model = type(entry)
    if model in (DirectoryOrganisation, NetworkMember):
        fresh = type(entry).objects.select_related("organisation").get(pk=entry.pk)
    else:
        fresh = _prefetched(model).get(pk=entry.pk)
    _store([BUILDERS[model](fresh)])


def remove_entry(*, kind: str, object_id: int) -> None:
    """Drop an entry's document (the vocabulary keeps its words; they only feed typo correction)."""
    pks = list(SearchDocument.objects.filter(kind=kind, object_id=object_id).values_list("pk", flat=True))
    _delete_fts(pks)
    SearchDocument.objects.filter(pk__in=pks).delete()


@transaction.atomic
def rebuild_index() -> int:
    """Rebuild every document with this process's normaliser; returns the number of documents."""
    if _is_sqlite():
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM directory_search_fts")
    SearchDocument.objects.all().delete()
    SearchLexeme.objects.all().delete()
    SearchIndexState.objects.all().delete()  # the first batch stored records this process's normaliser
    count = 0
    for model in (Service, Project, Training, Publication, Expert):
        batch = []
        for entry in _prefetched(model).iterator(chunk_size=2000):
            batch.append(BUILDERS[model](entry))
            if len(batch) >= 2000:
                _store(batch)
                count += len(batch)
                batch = []
        _store(batch)
        count += len(batch)
    organisations = {entry.organisation for entry in DirectoryOrganisation.objects.select_related("organisation")}
    organisations |= {entry.organisation for entry in NetworkMember.objects.select_related("organisation")}
    _store([BUILDERS[NetworkMember](org.network_membership) if hasattr(org, "network_membership")
            else BUILDERS[DirectoryOrganisation](org.directory_entry) for org in organisations])
    count += len(organisations)
    return count


# --- Querying -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Word:
    text: str
    alternatives: tuple[str, ...]
    parts: tuple[str, ...]


def _quote_sqlite(lexeme: str) -> str:
    return f'"{lexeme}"'


def _quote_pg(lexeme: str) -> str:
    return f"'{lexeme}'"


def _clause(word: _Word, quote, *, or_op: str, and_op: str) -> str:
    options = [quote(lexeme) for lexeme in word.alternatives]
    if word.parts:
        options.append("(" + f" {and_op} ".join(quote(part) for part in word.parts) + ")")
    return "(" + f" {or_op} ".join(options) + ")"


def _edit_distance(a: str, b: str, limit: int) -> int:
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, 1):
        current = [i]
        for j, char_b in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (char_a != char_b)))
        if min(current) > limit:
            return limit + 1
        previous = current
    return previous[-1]


@lru_cache(maxsize=4)
def _vocabulary(version: tuple[int, int]) -> tuple[str, ...]:
    return tuple(SearchLexeme.objects.values_list("lexeme", flat=True))


def _typo_candidates(word: str) -> list[str]:
    """Vocabulary lexemes close to an unknown query word: trigram similarity on PostgreSQL,
    edit distance (1 for short words, 2 for longer) on SQLite."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT lexeme FROM directory_searchlexeme WHERE lexeme %% %s "
                           "AND abs(length(lexeme) - length(%s)) <= 3 "
                           "ORDER BY similarity(lexeme, %s) DESC, lexeme LIMIT %s",
                           [word, word, word, TYPO_CANDIDATES])
            return [row[0] for row in cursor.fetchall()]
    stats = SearchLexeme.objects.order_by("-pk").values_list("pk", flat=True)[:1]
    version = (SearchLexeme.objects.count(), next(iter(stats), 0))
    limit = 1 if len(word) <= 5 else 2
    scored = sorted((distance, lexeme) for lexeme in _vocabulary(version)
                    if (distance := _edit_distance(word, lexeme, limit)) <= limit)
    return [lexeme for _distance, lexeme in scored[:TYPO_CANDIDATES]]


def _parse(text: str, result: SearchResult) -> list[_Word]:
    raw = [word for word in finnish.words(text) if word not in finnish.STOPWORDS]
    if any(len(word) < MIN_WORD for word in raw):
        result.notices.append(_("Words of one letter were left out of the search."))
    raw = list(dict.fromkeys(word for word in raw if len(word) >= MIN_WORD))[:MAX_WORDS]
    parsed = [(word, finnish.query_forms(word)) for word in raw]
    every_form = {form for _word, forms in parsed for form in forms.all()}
    known = set(SearchLexeme.objects.filter(lexeme__in=every_form).values_list("lexeme", flat=True))
    words = []
    for word, forms in parsed:
        # Only forms that occur in the index go into the query: fewer index look-ups, same results.
        alternatives = tuple(form for form in forms.whole if form in known)
        parts = tuple(part[0] for part in forms.parts)
        parts = parts if all(part in known for part in parts) else ()
        if not alternatives and not parts:
            candidates = list(dict.fromkeys(_typo_candidates(word) + _typo_candidates(forms.whole[0])))
            if candidates:
                result.corrections[word] = candidates
            # With no correction either, the word's own forms stay: the query then finds nothing, as it should.
            alternatives = tuple(candidates) or forms.whole
        words.append(_Word(text=word, alternatives=alternatives, parts=parts))
    return words


def _run(words: list[_Word], filters: SearchFilters, *, joiner: str, limit: int, offset: int):
    """(id, score) rows of one page and the number of matches, counted up to CANDIDATES + 1.

    Ranking and ordering consider at most CANDIDATES matches: a word found in a third of a 50 000-service
    directory cannot be ranked meaningfully anyway, and scoring every match would cost tens of milliseconds. Up to
    that size (every query in a directory of realistic size) the ranking is exact.
    """
    facet_tokens = filters.tokens()
    kinds = filters.kind_tokens()
    if _is_sqlite():
        conditions = []
        if words:
            text = f" {joiner} ".join(_clause(word, _quote_sqlite, or_op="OR", and_op="AND") for word in words)
            conditions.append("{title body} : (" + text + ")")
        if facet_tokens:
            conditions.append("facets : (" + " AND ".join(_quote_sqlite(t) for t in facet_tokens) + ")")
        if kinds:
            conditions.append("facets : (" + " OR ".join(_quote_sqlite(t) for t in kinds) + ")")
        match = " AND ".join(f"({condition})" for condition in conditions)
        score = "-bm25(directory_search_fts, 10.0, 1.0, 0.0)" if words else "0"
        # Only fixed fragments are formatted into the SQL; the user's words travel as parameters.
        candidates = (f"SELECT f.rowid AS id, {score} AS score FROM directory_search_fts f "  # noqa: S608
                      f"WHERE directory_search_fts MATCH %s LIMIT {CANDIDATES + 1}")
        order = "c.score DESC, d.title_fi" if words else "d.kind, d.title_fi"
        select = (f"SELECT d.id, c.score, count(*) OVER () FROM ({candidates}) c "  # noqa: S608
                  f"JOIN directory_searchdocument d ON d.id = c.id ORDER BY {order} LIMIT %s OFFSET %s")
        count = f"SELECT count(*) FROM ({candidates}) c JOIN directory_searchdocument d ON d.id = c.id"  # noqa: S608
        params, count_params = [match, limit, offset], [match]
    else:
        where, params = [], []
        rank = "0"
        if words:
            sql_joiner = "&" if joiner == "AND" else "|"
            text = f" {sql_joiner} ".join(_clause(word, _quote_pg, or_op="|", and_op="&") for word in words)
            where.append("d.search_vector @@ to_tsquery('simple', %s)")
            params.append(text)
            rank = "ts_rank(c.search_vector, to_tsquery('simple', %s))"
        if facet_tokens:
            where.append("d.facet_vector @@ to_tsquery('simple', %s)")
            params.append(" & ".join(_quote_pg(t) for t in facet_tokens))
        if kinds:
            where.append("d.facet_vector @@ to_tsquery('simple', %s)")
            params.append(" | ".join(_quote_pg(t) for t in kinds))
        candidates = (f"SELECT d.id, d.kind, d.title_fi, d.search_vector FROM directory_searchdocument d "  # noqa: S608
                      f"WHERE {' AND '.join(where)} LIMIT {CANDIDATES + 1}")
        order = "2 DESC, c.title_fi" if words else "c.kind, c.title_fi"
        select = (f"SELECT c.id, {rank}, count(*) OVER () FROM ({candidates}) c "  # noqa: S608
                  f"ORDER BY {order} LIMIT %s OFFSET %s")
        count = f"SELECT count(*) FROM ({candidates}) c"  # noqa: S608
        count_params = list(params)
        params = ([params[0]] if words else []) + params + [limit, offset]
    with connection.cursor() as cursor:
        # The window count comes with the page; only a page past the end needs its own count.
        cursor.execute(select, params)
        rows = cursor.fetchall()
        if rows or not offset:
            return [(pk, score) for pk, score, _total in rows], (rows[0][2] if rows else 0)
        cursor.execute(count, count_params)
        return [], cursor.fetchone()[0]


def index_normaliser() -> str:
    """Which normaliser built the index ("" before the first rebuild)."""
    return SearchIndexState.objects.values_list("normaliser", flat=True).first() or ""


def search(text: str, *, filters: SearchFilters | None = None, limit: int = 20, offset: int = 0) -> SearchResult:
    """Ranked documents for a query and filters; an empty or one-letter query with no filter is no search."""
    filters = filters or SearchFilters()
    result = SearchResult(hits=[], total=0, normaliser=finnish.normaliser_name())
    if index_normaliser() not in ("", result.normaliser):
        # The administrator's command: `polku rebuild_search_index`.
        result.notices.append(_("The search index was built with another word analyser; ask an administrator "
                                "to rebuild it."))
    words = _parse(text, result)
    if not words and not filters.active:
        result.searched = False
        if (text or "").strip():
            result.notices.append(_("Type at least two letters, or choose a filter."))
        return result
    result.lexemes = frozenset(lexeme for word in words for lexeme in (*word.alternatives, *word.parts))
    rows, total = _run(words, filters, joiner="AND", limit=limit, offset=offset)
    if total == 0 and len(words) > 1:
        rows, total = _run(words, filters, joiner="OR", limit=limit, offset=offset)
        if total:
            result.notices.append(_("No entry has all the words; showing entries with any of them."))
    documents = SearchDocument.objects.in_bulk([row[0] for row in rows])
    result.hits = [SearchHit(kind=documents[pk].kind, object_id=documents[pk].object_id, document=documents[pk],
                             score=float(score or 0)) for pk, score in rows if pk in documents]
    result.total = total
    return result


def naive_search(text: str, *, limit: int = 20) -> list[SearchDocument]:
    """The baseline the benchmarks and the quality test compare with: every word `icontains` somewhere."""
    from django.db.models import Q

    query = SearchDocument.objects.all()
    words = [word for word in finnish.words(text) if len(word) >= MIN_WORD]
    if not words:
        return []
    for word in words:
        condition = Q()
        for column in ("title_fi", "title_sv", "title_en", "summary_fi", "summary_sv", "summary_en"):
            condition |= Q(**{f"{column}__icontains": word})
        query = query.filter(condition)
    return list(query.order_by("kind", "title_fi")[:limit])


def highlight(text: str, lexemes: Iterable[str]) -> SafeString:
    """The text, escaped, with every word whose lexemes meet the query's wrapped in <mark>."""
    wanted = set(lexemes)
    if not wanted or not text:
        return mark_safe(html.escape(text or ""))  # noqa: S308 -- escaped just here
    pieces = []
    normaliser = finnish.normaliser_name()
    for token in re.split(r"([^\W_]+)", text):
        if token and re.fullmatch(r"[^\W_]+", token) and _word_lexemes(token.lower(), normaliser) & wanted:
            pieces.append(f"<mark>{html.escape(token)}</mark>")
        else:
            pieces.append(html.escape(token))
    return mark_safe("".join(pieces))  # noqa: S308 -- every piece escaped above


@lru_cache(maxsize=50_000)
def _word_lexemes(word: str, normaliser: str) -> frozenset[str]:
    forms = {word}
    for code in ("fi", "sv", "en"):
        forms |= finnish.word_forms(word, code).all()
    return frozenset(forms)

