"""page_of against Django's Paginator (the oracle), and the query it saves."""

from __future__ import annotations

import pytest
from django.core.paginator import Paginator

from polku.core.models import Organisation
from polku.core.pagination import page_of

pytestmark = pytest.mark.django_db


def _same(ours, djangos):
    assert (list(ours.object_list), ours.number, ours.paginator.count, ours.paginator.num_pages,
            ours.has_next(), ours.has_previous()) == (
        list(djangos.object_list), djangos.number, djangos.paginator.count, djangos.paginator.num_pages,
        djangos.has_next(), djangos.has_previous())


@pytest.mark.parametrize("rows", [0, 1, 4, 5, 6, 11])
@pytest.mark.parametrize("page", [None, "", "1", 1, "2", "3", "99", "x", -1])
def test_every_page_is_the_page_djangos_paginator_gives(rows, page):
    for number in range(rows):
        Organisation.objects.create(name=f"Pagination test {number:02d}", type="ngo")
    items = Organisation.objects.filter(name__startswith="Pagination test").order_by("name")
    _same(page_of(items, per_page=5, page=page), Paginator(items, 5).get_page(page))


def test_a_list_that_fits_on_the_first_page_costs_one_query(django_assert_num_queries):
    # Only this test's rows: in a suite run the session fixture that loads the real directory
    # (tests/conftest.py) has left its organisations in the database, and the count is the point here.
    for number in range(3):
        Organisation.objects.create(name=f"Pagination test {number}", type="ngo")
    ours = Organisation.objects.filter(name__startswith="Pagination test").order_by("name")
    with django_assert_num_queries(1):
        page = page_of(ours, per_page=5, page=1)
        assert (len(page.object_list), page.paginator.count, page.paginator.num_pages) == (3, 3, 1)
    with django_assert_num_queries(2):  # a longer list needs its count: rows, then COUNT
        page = page_of(ours.all(), per_page=2, page=1)
        assert (len(page.object_list), page.paginator.count) == (2, 3)
