"""Response-time targets of consultations in Finnish working days (weekends and public holidays skipped).

A request is due by the end of its target working day: urgent 2, normal 5 working days after the day it
was asked (or escalated). The reminder goes on the morning of the due day.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.utils import timezone

from polku.casework.workdays import add_working_days

TARGET_WORKING_DAYS = {"urgent": 2, "normal": 5}
REMINDER_HOUR = 8


def response_due(*, asked_at: datetime, urgency: str) -> datetime:
    """The moment the answer is late: midnight (Helsinki time) after the n-th working day from the asking day."""
    due_day = add_working_days(timezone.localtime(asked_at).date(), TARGET_WORKING_DAYS[urgency])
    return timezone.make_aware(datetime.combine(due_day + timedelta(days=1), time.min))


def due_day(due_at: datetime) -> date:
    """The last working day for the answer: the day before the midnight that `due_at` is."""
    return timezone.localtime(due_at).date() - timedelta(days=1)


def reminder_from(due_at: datetime) -> datetime:
    """When the reminder is sent: 08:00 on the due day."""
    return timezone.make_aware(datetime.combine(due_day(due_at), time(REMINDER_HOUR)))
