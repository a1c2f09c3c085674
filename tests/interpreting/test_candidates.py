"""The centre's interpreters as solver candidates: what a booking request and the dispatcher's plan read."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from polku.interpreting.problem import build_candidates, interpreters_for
from tests.interpreting.conftest import make_interpreter

pytestmark = pytest.mark.django_db

DAY = date(2026, 12, 14)  # a Monday


def _candidates(centre):
    with CaptureQueriesContext(connection) as queries:
        candidates = build_candidates(interpreters_for(centre_id=centre.pk), first_day=DAY, last_day=DAY)
    return {c.id: c for c in candidates}, len(queries.captured_queries)


def test_the_queries_do_not_grow_with_the_number_of_interpreters_and_each_candidate_is_read_right(centre):
    make_interpreter(name="Amira Tulkki", centre=centre, areas=("VS", "HEL"), hourly_rate=Decimal("55.00"))
    make_interpreter(name="Bashir Tulkki", centre=centre, areas=("HEL",))  # no own rate: the centre's terms
    few, few_queries = _candidates(centre)
    more = [make_interpreter(name=f"Tulkki {n}", centre=centre if n % 2 else None, areas=(("VS",), ("HEL",), ())[n % 3],
                             hourly_rate=Decimal("70.00") if n % 2 else None) for n in range(6)]
    everyone, many_queries = _candidates(centre)
    assert len(few) == 2 and len(everyone) == 8
    assert many_queries == few_queries  # one query per table, not one per interpreter
    by_name = {interpreter.name: interpreter for interpreter in interpreters_for(centre_id=centre.pk)}
    amira, bashir = everyone[by_name["Amira Tulkki"].pk], everyone[by_name["Bashir Tulkki"].pk]
    assert (amira.home_area, amira.areas, amira.rate_per_hour) == ("VS", frozenset({"VS", "HEL"}), 55.0)
    assert (bashir.home_area, bashir.rate_per_hour) == ("HEL", 60.0)  # the centre fixture's terms
    freelancer_without_rate = everyone[more[4].pk]  # n = 4: no centre, no own rate: the default rate
    assert (freelancer_without_rate.home_area, freelancer_without_rate.rate_per_hour) == ("HEL", 60.0)
    assert everyone[more[2].pk].home_area is None  # n = 2: no areas
