"""The search index: one document per searchable entry, holding normalised lexemes (see search.py).

On PostgreSQL a migration adds generated tsvector columns (config 'simple') over `title_lexemes`,
`body_lexemes` and `facets` with GIN indexes, and a trigram index on the lexeme vocabulary; on SQLite
the same texts go into an FTS5 virtual table that `polku.directory.search` maintains.
"""

from __future__ import annotations

from django.db import models


class DocumentKind(models.TextChoices):
    SERVICE = "service", "service"
    ORGANISATION = "organisation", "organisation"
    PROJECT = "project", "project"
    TRAINING = "training", "training"
    PUBLICATION = "publication", "publication"
    EXPERT = "expert", "expert"


class SearchDocument(models.Model):
    kind = models.CharField(max_length=16, choices=DocumentKind.choices)
    object_id = models.BigIntegerField()
    title_fi = models.CharField(max_length=400)
    title_sv = models.CharField(max_length=400, blank=True)
    title_en = models.CharField(max_length=400, blank=True)
    summary_fi = models.TextField(blank=True)
    summary_sv = models.TextField(blank=True)
    summary_en = models.TextField(blank=True)
    title_lexemes = models.TextField()
    body_lexemes = models.TextField()
    facets = models.TextField()
    is_demo = models.BooleanField(default=False)

    class Meta:
        ordering = ["kind", "title_fi"]
        constraints = [models.UniqueConstraint(fields=["kind", "object_id"], name="search_document_unique_object")]


class SearchLexeme(models.Model):
    """The vocabulary of indexed lexemes: the typo-tolerance pass corrects unknown query words against it."""

    lexeme = models.CharField(max_length=100, unique=True)


class SearchIndexState(models.Model):
    """Which normaliser built the index (a query must be normalised the same way), one row."""

    normaliser = models.CharField(max_length=40)
    updated_at = models.DateTimeField(auto_now=True)
