"""Finnish working days: Monday to Friday, except public holidays and the de facto days off.

The `holidays` package's Finnish calendar includes Midsummer Eve and Christmas Eve. They are not
statutory holidays, but offices are closed on them, so a documentation deadline must not count them.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

import holidays


@lru_cache(maxsize=64)
def _holidays_of_year(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("FI", years=year).keys())


def is_working_day(day: date) -> bool:
    """True on Monday–Friday that is not a Finnish public holiday (or Midsummer/Christmas Eve)."""
    return day.weekday() < 5 and day not in _holidays_of_year(day.year)


def add_working_days(start: date, n: int) -> date:
    """The date n working days after `start` (n = 0 gives `start` itself); start need not be a working day."""
    if n < 0:
        raise ValueError("n must be zero or positive")
    day = start
    remaining = n
    while remaining:
        day += timedelta(days=1)
        if is_working_day(day):
            remaining -= 1
    return day


def working_days_between(a: date, b: date) -> int:
    """Working days after `a` up to and including `b`; negative when `b` is before `a`."""
    if b < a:
        return -working_days_between(b, a)
    return sum(1 for offset in range(1, (b - a).days + 1) if is_working_day(a + timedelta(days=offset)))


def latest_start_past_deadline(today: date, n: int) -> date:
    """The latest date d with add_working_days(d, n) < today: anything on or before d is past its deadline."""
    # add_working_days is non-decreasing in its start date, so walking back from today finds the edge.
    day = today - timedelta(days=1)
    while add_working_days(day, n) >= today:
        day -= timedelta(days=1)
    return day
