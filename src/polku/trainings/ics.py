"""iCalendar (RFC 5545) invitations to training events, with iTIP methods (RFC 5546) REQUEST and CANCEL.

As for interpreter bookings: one UID per event for its whole life, and every later message to a participant
carries the same UID with a higher SEQUENCE, so calendars replace the entry instead of adding a second one.
"""

from __future__ import annotations

from datetime import UTC, datetime

from django.utils import translation
from icalendar import Calendar, Event, vCalAddress, vText

from polku.trainings.models import CalendarMethod, EventFormat, TrainingEvent

PRODID = "-//Polku//Trainings//EN"
UID_DOMAIN = "polku.invalid"  # a domain on the right of the UID (RFC 5545); .invalid never resolves
ORGANISER_ADDRESS = "mailto:trainings@polku.invalid"


def event_uid(event: TrainingEvent) -> str:
    """The calendar UID of an event: fixed at creation and never reused."""
    return f"training-{event.uid}@{UID_DOMAIN}"


def build_invitation(event: TrainingEvent, *, method: str, sequence: int, attendee_name: str,
                     attendee_email: str = "", language: str = "fi", now: datetime | None = None) -> bytes:
    """One VCALENDAR with one VEVENT for the event addressed to one participant; times in UTC (no VTIMEZONE)."""
    if method not in CalendarMethod.values:
        raise ValueError(f"unknown iTIP method {method!r}")
    with translation.override(language):
        summary = event.title
        description = event.description
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", method)
    vevent = Event()
    vevent.add("uid", event_uid(event))
    vevent.add("sequence", sequence)
    vevent.add("dtstamp", (now or datetime.now(UTC)).astimezone(UTC))
    vevent.add("dtstart", event.starts_at.astimezone(UTC))
    vevent.add("dtend", event.ends_at.astimezone(UTC))
    vevent.add("summary", summary)
    if description:
        vevent.add("description", description)
    if event.format == EventFormat.ONLINE:
        vevent.add("location", event.online_url)
        vevent.add("url", event.online_url)
    else:
        vevent.add("location", event.place)
    organizer = vCalAddress(ORGANISER_ADDRESS)
    organizer.params["cn"] = vText(event.organiser_name)
    vevent.add("organizer", organizer)
    attendee = vCalAddress(f"mailto:{attendee_email}" if attendee_email else "mailto:participant@polku.invalid")
    attendee.params["cn"] = vText(attendee_name)
    attendee.params["role"] = vText("REQ-PARTICIPANT")
    vevent.add("attendee", attendee)
    vevent.add("status", "CANCELLED" if method == CalendarMethod.CANCEL else "CONFIRMED")
    vevent.add("transp", "OPAQUE")
    calendar.add_component(vevent)
    return calendar.to_ical()


def read_invitation(content: bytes | str) -> dict:
    """UID, SEQUENCE, METHOD, STATUS, SUMMARY, start and end of an invitation (for checks and tests)."""
    calendar = Calendar.from_ical(content)
    events = list(calendar.walk("VEVENT"))
    if len(events) != 1:
        raise ValueError("expected exactly one VEVENT")
    vevent = events[0]
    return {"uid": str(vevent["UID"]), "sequence": int(vevent.get("SEQUENCE", 0)), "method": str(calendar["METHOD"]),
            "status": str(vevent.get("STATUS", "")), "summary": str(vevent.get("SUMMARY", "")),
            "start": vevent.decoded("DTSTART"), "end": vevent.decoded("DTEND"),
            "location": str(vevent.get("LOCATION", ""))}
