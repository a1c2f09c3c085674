"""Response targets in working days across weekends and Finnish public holidays (expected dates worked by hand)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from polku.network.deadlines import reminder_from, response_due

HKI = ZoneInfo("Europe/Helsinki")


def at(*args) -> datetime:
    return datetime(*args, tzinfo=HKI)


@pytest.mark.parametrize(("asked", "urgency", "due"), [
    # Thursday before Easter 2026: Good Friday 3.4. and Easter Monday 6.4. are holidays → Tue 7.4., Wed 8.4.
    (at(2026, 4, 2, 10, 0), "urgent", at(2026, 4, 9, 0, 0)),
    # Wednesday 23.12.2026: Christmas Eve, Christmas Day, weekend; 28–31.12. are 1–4; New Year's Day and
    # a weekend; Monday 4.1.2027 is the fifth working day.
    (at(2026, 12, 23, 15, 0), "normal", at(2027, 1, 5, 0, 0)),
    # A Friday evening request: Monday and Tuesday.
    (at(2026, 3, 13, 22, 30), "urgent", at(2026, 3, 18, 0, 0)),
    # Asked on a Saturday: the weekend does not count.
    (at(2026, 3, 14, 9, 0), "normal", at(2026, 3, 21, 0, 0)),
    # Midsummer 2026: Eve Fri 19.6., Day Sat 20.6.; Thursday 18.6. urgent → Mon 22.6., Tue 23.6.
    (at(2026, 6, 18, 12, 0), "urgent", at(2026, 6, 24, 0, 0)),
])
def test_the_answer_is_due_at_the_end_of_the_target_working_day(asked, urgency, due):
    assert response_due(asked_at=asked, urgency=urgency) == due


def test_the_reminder_goes_at_eight_on_the_due_day():
    assert reminder_from(at(2026, 4, 9, 0, 0)) == at(2026, 4, 8, 8, 0)
