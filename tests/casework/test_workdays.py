"""Finnish working days, checked against the holidays package AND a hand-written list of 2026 holidays."""

from datetime import date, timedelta

import holidays
import pytest
import time_machine
from django.utils import timezone

from polku.casework.workdays import (
    add_working_days,
    is_working_day,
    latest_start_past_deadline,
    working_days_between,
)

# Written by hand from the Finnish calendar (Easter Sunday 2026 is 5 April), including the two "eves"
# on which offices are closed. Weekday holidays are the ones that move deadlines.
FINNISH_HOLIDAYS_2026 = {
    date(2026, 1, 1): "uudenvuodenpäivä",
    date(2026, 1, 6): "loppiainen",
    date(2026, 4, 3): "pitkäperjantai",
    date(2026, 4, 5): "pääsiäispäivä",
    date(2026, 4, 6): "2. pääsiäispäivä",
    date(2026, 5, 1): "vappu",
    date(2026, 5, 14): "helatorstai",
    date(2026, 5, 24): "helluntaipäivä",
    date(2026, 6, 19): "juhannusaatto",
    date(2026, 6, 20): "juhannuspäivä",
    date(2026, 10, 31): "pyhäinpäivä",
    date(2026, 12, 6): "itsenäisyyspäivä",
    date(2026, 12, 24): "jouluaatto",
    date(2026, 12, 25): "joulupäivä",
    date(2026, 12, 26): "tapaninpäivä",
}


def test_the_hand_written_2026_list_matches_the_holidays_package():
    assert set(holidays.country_holidays("FI", years=2026)) == set(FINNISH_HOLIDAYS_2026)


def test_every_day_of_2026_is_a_working_day_exactly_when_a_weekday_and_not_on_the_hand_written_list():
    day = date(2026, 1, 1)
    working = 0
    while day.year == 2026:
        expected = day.weekday() < 5 and day not in FINNISH_HOLIDAYS_2026
        assert is_working_day(day) is expected, day
        working += expected
        day += timedelta(days=1)
    # 261 weekdays in 2026 minus the 9 holidays that fall on a weekday.
    assert working == 261 - 9


@pytest.mark.parametrize(("meeting_day", "deadline"), [
    # Thursday 3.12.2026: Independence Day falls on a Sunday and changes nothing.
    (date(2026, 12, 3), date(2026, 12, 8)),
    # Tuesday 22.12.2026: Christmas Eve and Christmas Day are Thursday and Friday; Boxing Day a Saturday.
    (date(2026, 12, 22), date(2026, 12, 29)),
    # Wednesday 23.12.2026: the next working days are 28., 29. and 30.12.
    (date(2026, 12, 23), date(2026, 12, 30)),
    # Wednesday 24.3.2027: Good Friday 26.3. and Easter Monday 29.3.2027 are skipped.
    (date(2027, 3, 24), date(2027, 3, 31)),
    # Thursday 18.6.2026: Midsummer Eve 19.6. is skipped.
    (date(2026, 6, 18), date(2026, 6, 24)),
    # A meeting on a Saturday: Monday, Tuesday, Wednesday.
    (date(2026, 3, 7), date(2026, 3, 11)),
    # An ordinary Monday.
    (date(2026, 3, 2), date(2026, 3, 5)),
])
def test_three_working_days_after_a_meeting_skip_weekends_and_finnish_holidays(meeting_day, deadline):
    assert add_working_days(meeting_day, 3) == deadline
    assert working_days_between(meeting_day, deadline) == 3


def test_the_2027_easter_holidays_come_from_the_package():
    fi_2027 = holidays.country_holidays("FI", years=2027)
    assert date(2027, 3, 26) in fi_2027 and date(2027, 3, 29) in fi_2027
    assert not is_working_day(date(2027, 3, 26)) and not is_working_day(date(2027, 3, 29))


def test_working_days_between_counts_after_the_first_day_and_is_antisymmetric():
    assert working_days_between(date(2026, 12, 3), date(2026, 12, 3)) == 0
    assert working_days_between(date(2026, 12, 21), date(2026, 12, 31)) == 6  # 22, 23, 28, 29, 30, 31
    assert working_days_between(date(2026, 12, 31), date(2026, 12, 21)) == -6


def test_adding_zero_working_days_keeps_the_date_and_negative_is_a_programming_error():
    assert add_working_days(date(2026, 12, 25), 0) == date(2026, 12, 25)
    with pytest.raises(ValueError):
        add_working_days(date(2026, 12, 25), -1)


def test_latest_start_past_deadline_is_the_edge_of_add_working_days():
    day = date(2026, 12, 1)
    while day < date(2027, 4, 15):
        edge = latest_start_past_deadline(day, 3)
        assert add_working_days(edge, 3) < day
        assert add_working_days(edge + timedelta(days=1), 3) >= day
        day += timedelta(days=1)


def test_deadline_of_a_meeting_seen_from_a_frozen_clock_at_christmas():
    with time_machine.travel(timezone.make_aware(timezone.datetime(2026, 12, 29, 16, 0)), tick=False):
        today = timezone.localdate()
        assert today == date(2026, 12, 29)
        # A meeting on 22.12. is due today (not overdue yet); one on 21.12. was due on 24.12. -> 28.12.
        assert add_working_days(date(2026, 12, 22), 3) == today
        assert add_working_days(date(2026, 12, 21), 3) == date(2026, 12, 28) < today
        assert latest_start_past_deadline(today, 3) == date(2026, 12, 21)
