"""Pagination that spares the COUNT query when the whole list fits on the first page."""

from __future__ import annotations

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet


def page_of(items: QuerySet, *, per_page: int, page: int | str | None) -> Page:
    """The page as Paginator(items, per_page).get_page(page) gives it.

    The first page is read with one row more than it shows: a worker's client list usually fits on one
    page, and then the number of rows is the count (the list's busiest page pays one query, not two)."""
    paginator = Paginator(items, per_page)
    if str(page if page is not None else "1").strip() not in ("", "1"):
        return paginator.get_page(page)
    first = list(items[:per_page + 1])
    if len(first) <= per_page:
        paginator.count = len(first)  # overrides the cached_property: the count is known
    return Page(first[:per_page], 1, paginator)
