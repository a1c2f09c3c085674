"""Everything that belongs to one client: the rows that point at the client, the rows that point at those,
and so on — following foreign keys whose deletion is refused (PROTECT, RESTRICT) or cascades.

A reference that would merely be cleared (SET_NULL, DO_NOTHING) marks a row that outlives the client
(say a consultation that led to a referral), so the walk stops there. The same walk serves erasure and
the client's data export, so what is exported is exactly what erasure would remove.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

from django.db import models

OWNING = (models.PROTECT, models.RESTRICT, models.CASCADE)


def _owned_relations(model) -> Iterator:
    for relation in model._meta.related_objects:
        if (relation.one_to_many or relation.one_to_one) and relation.on_delete in OWNING:
            yield relation


def walk(obj: models.Model, *, seen: set | None = None) -> Iterator[models.Model]:
    """The rows owned by `obj`, children before their parents, `obj` itself last; each row once."""
    seen = set() if seen is None else seen
    key = (obj._meta.label, obj.pk)
    if key in seen:
        return
    seen.add(key)
    for relation in _owned_relations(type(obj)):
        rows = relation.related_model._base_manager.filter(**{relation.field.name: obj}).order_by("pk")
        for row in rows.iterator():
            yield from walk(row, seen=seen)
    yield obj


def erase(obj: models.Model) -> Counter:
    """Delete `obj` and every row it owns, children first; returns rows deleted per model label.

    The caller holds the transaction (and, on PostgreSQL, the append-only tables' purge permission)."""
    deleted: Counter = Counter()
    for row in list(walk(obj)):
        count, _by_model = type(row)._base_manager.filter(pk=row.pk).delete()
        if count:
            deleted[row._meta.label] += 1
    return deleted
