"""Issuing .ics messages for a booking: the UID never changes and SEQUENCE only goes up."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Max
from django.utils.translation import gettext_lazy as _

from polku.core.errors import DomainError
from polku.interpreting.ics import booking_uid, build_ics, read_event
from polku.interpreting.models import Booking, CalendarIssue, CalendarMethod

CANONICAL_LANGUAGE = "fi"


def issue_calendar(booking: Booking, *, method: str, languages: Iterable[str] = ()) -> dict[str, str]:
    """Record the next calendar message of a booking and return its text per language (same UID and SEQUENCE).

    Refuses — and so never produces an update — when the booking's earlier messages carry another UID or
    the sequence would not increase; an update under a wrong UID would leave the old event in calendars.
    """
    uid = booking_uid(booking)
    earlier = CalendarIssue.objects.filter(booking=booking)
    if earlier.exclude(uid=uid).exists():
        raise DomainError("calendar_uid_mismatch",
                          _("The calendar messages of this booking carry another identifier; no update was sent. "
                            "Contact the administrator."))
    last = earlier.aggregate(last=Max("sequence"))["last"]
    if method == CalendarMethod.CANCEL and last is None:
        return {}  # nothing was ever sent to a calendar, so there is nothing to cancel there
    sequence = 0 if last is None else last + 1
    texts = {}
    for language in {CANONICAL_LANGUAGE, *languages}:
        content = build_ics(booking, method=method, sequence=sequence, language=language).decode()
        event = read_event(content)
        if event["uid"] != uid or event["sequence"] != sequence:  # belt and braces: check what we produced
            raise DomainError("calendar_uid_mismatch", _("The calendar message could not be produced correctly."))
        texts[language] = content
    CalendarIssue.objects.create(booking=booking, uid=uid, sequence=sequence, method=method,
                                 content=texts[CANONICAL_LANGUAGE])
    Booking.objects.filter(pk=booking.pk).update(ics_sequence=sequence)
    booking.ics_sequence = sequence
    return texts
