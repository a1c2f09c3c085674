"""iCalendar (RFC 5545) messages for bookings, with iTIP methods (RFC 5546) REQUEST and CANCEL.

One UID per booking for its whole life; every update or cancellation carries the same UID and a higher
SEQUENCE, so calendars replace the event instead of adding a second one (the PPMM mix-ups).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from icalendar import Calendar, Event, vCalAddress, vText

from polku.interpreting.letters import letter_context
from polku.interpreting.models import Booking, CalendarMethod, InterpretingMode

PRODID = "-//Polku//Interpreting//EN"
UID_DOMAIN = "polku.invalid"  # RFC 5545 suggests a domain on the right of the UID; .invalid never resolves


def booking_uid(booking: Booking) -> str:
    """The calendar UID of a booking: fixed at creation and never reused."""
    return f"{booking.uid}@{UID_DOMAIN}"


def build_ics(booking: Booking, *, method: str, sequence: int, language: str = "fi",
              now: datetime | None = None) -> bytes:
    """One VCALENDAR with one VEVENT for the booking; times in UTC so no VTIMEZONE is needed."""
    if method not in CalendarMethod.values:
        raise ValueError(f"unknown iTIP method {method!r}")
    context = letter_context(booking, language=language, kind="cancellation" if method == "CANCEL" else "confirmation",
                             show_client_name=False)
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", method)
    event = Event()
    event.add("uid", booking_uid(booking))
    event.add("sequence", sequence)
    event.add("dtstamp", (now or datetime.now(UTC)).astimezone(UTC))
    start = booking.starts_at.astimezone(UTC)
    event.add("dtstart", start)
    event.add("dtend", start + timedelta(minutes=booking.meeting_minutes))
    event.add("summary", f"{context['subject']} ({booking.reference})")
    event.add("description", "\n".join(f"{label}: {value}" for label, value in context["rows"]))
    if booking.mode == InterpretingMode.ON_SITE:
        event.add("location", booking.address)
    elif booking.mode == InterpretingMode.VIDEO and booking.remote_details.startswith("https://"):
        event.add("location", booking.remote_details)
        event.add("url", booking.remote_details)
    else:
        event.add("location", booking.remote_details)
    organizer = vCalAddress("mailto:interpreting@polku.invalid")
    organizer.params["cn"] = vText(str(booking.organisation))
    event.add("organizer", organizer)
    event.add("status", "CANCELLED" if method == "CANCEL" else "CONFIRMED")
    event.add("transp", "OPAQUE")
    calendar.add_component(event)
    return calendar.to_ical()


def read_event(content: bytes | str) -> dict:
    """UID, SEQUENCE, METHOD, STATUS, start and end of an .ics message (for checks and tests)."""
    calendar = Calendar.from_ical(content)
    events = list(calendar.walk("VEVENT"))
    if len(events) != 1:
        raise ValueError("expected exactly one VEVENT")
    event = events[0]
    return {"uid": str(event["UID"]), "sequence": int(event.get("SEQUENCE", 0)), "method": str(calendar["METHOD"]),
            "status": str(event.get("STATUS", "")), "start": event.decoded("DTSTART"), "end": event.decoded("DTEND"),
            "location": str(event.get("LOCATION", "")), "summary": str(event.get("SUMMARY", ""))}
