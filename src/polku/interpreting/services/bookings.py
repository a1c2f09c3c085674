"""The worker's side of a booking: request, change, cancel, record the outcome."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from polku.casework.models import Client, Meeting
from polku.casework.services.path_events import record_path_event
from polku.core import access
from polku.core.errors import DomainError
from polku.core.models import AccessAction, Organisation, OrganisationType, User
from polku.interpreting import events
from polku.interpreting.costs import billable_minutes, cost_of, tariff_for
from polku.interpreting.letters import letter_language
from polku.interpreting.matching import blocked_interval, refusal
from polku.interpreting.models import (
    FINAL_STATUSES,
    OCCUPYING_STATUSES,
    Booking,
    BookingStatus,
    BookingStatusChange,
    CalendarMethod,
    CentreTerms,
    GenderWish,
    Interpreter,
    InterpretingMode,
    MessageKind,
    RecipientKind,
)
from polku.interpreting.outbox import deliver_after_commit
from polku.interpreting.permissions import require_worker_or_dispatcher
from polku.interpreting.problem import build_candidates, declined_by, from_minutes, request_for
from polku.interpreting.services.calendar import issue_calendar
from polku.interpreting.services.feasibility import check_request
from polku.interpreting.services.notifications import notify

MAX_BOOKING_MINUTES = 8 * 60
EVERYONE = (RecipientKind.WORKER, RecipientKind.DISPATCHER, RecipientKind.INTERPRETER, RecipientKind.CLIENT)
DEFAULT_LATE_CANCELLATION_HOURS = 24


def record_status(booking: Booking, *, actor: User | None, from_status: str, note: str = "") -> None:
    """Append the status change (with the interpreter at that moment) to the booking's history."""
    BookingStatusChange.objects.create(booking=booking, actor=actor, from_status=from_status,
                                       to_status=booking.status, interpreter_id=booking.interpreter_id, note=note[:300])


def _text(value: str, *, field: str, max_length: int) -> str:
    value = (value or "").strip()
    if len(value) > max_length:
        raise DomainError("too_long", _("Write at most %(max)s characters.") % {"max": max_length}, field=field)
    return value


def validate_times(starts_at: datetime | None, ends_at: datetime | None) -> int:
    """A booking starts in the future and ends after it starts, within 8 hours; returns the minutes."""
    if starts_at is None:
        raise DomainError("start_required", _("Give the start time."), field="starts_at")
    if ends_at is None:
        raise DomainError("end_required", _("Give the end time."), field="ends_at")
    if starts_at <= timezone.now():
        raise DomainError("booking_in_past", _("An interpreter can only be booked for a time in the future."),
                          field="starts_at")
    if ends_at <= starts_at:
        raise DomainError("end_before_start", _("The end time must be after the start time."), field="ends_at")
    minutes = int((ends_at - starts_at).total_seconds() // 60)
    if minutes > MAX_BOOKING_MINUTES:
        raise DomainError("booking_too_long", _("A booking lasts at most 8 hours."), field="ends_at")
    return minutes


def _validate_place(mode: str, address: str, remote_details: str) -> None:
    if mode not in InterpretingMode.values:
        raise DomainError("invalid_mode", _("Choose on site, phone or video."), field="mode")
    if mode == InterpretingMode.ON_SITE and not address:
        raise DomainError("address_required", _("Give the exact address, including the floor and the room."),
                          field="address")
    if mode == InterpretingMode.VIDEO and remote_details and not remote_details.startswith("https://"):
        raise DomainError("video_link_invalid", _("A video link starts with https://."), field="remote_details")


def _match_names(names: str) -> list[Interpreter]:
    lines = {line.strip().casefold() for line in (names or "").replace(",", "\n").splitlines() if line.strip()}
    return [i for i in Interpreter.objects.filter(active=True) if i.name.casefold() in lines] if lines else []


def request_booking(*, actor: User, client: Client, starts_at: datetime, ends_at: datetime, language: str,
                    mode: str, centre: Organisation, dialect: str = "", address: str = "", remote_details: str = "",
                    contact_person: str = "", contact_phone: str = "", meeting: Meeting | None = None,
                    mental_health: bool = False, double_time: bool | None = None, gender_wish: str | None = None,
                    preferred_interpreter: Interpreter | None = None,
                    refused_interpreters: Iterable[Interpreter] | None = None, share_client_name: bool = False,
                    accept_alternatives: bool = False) -> Booking:
    """Request an interpreter for a client's meeting; double time by default for mental-health meetings.

    Writes INTERPRETER_BOOKED and tells the centre's dispatchers. Refuses a time in the past, an end before the
    start, a language nobody covers here (suggesting phone or video), a client refusing everyone available,
    and a named interpreter who is not free (offering alternatives unless `accept_alternatives`).
    """
    access.require_client_access(actor=actor, client_id=client.pk, action=AccessAction.WRITE,
                                 object_type="interpreter_booking")
    meeting_minutes = validate_times(starts_at, ends_at)
    language = _text(language, field="language", max_length=8)
    if not language:
        raise DomainError("language_required", _("Choose the interpreting language."), field="language")
    address = _text(address, field="address", max_length=300)
    remote_details = _text(remote_details, field="remote_details", max_length=300)
    _validate_place(mode, address, remote_details)
    if centre.type != OrganisationType.INTERPRETER_CENTRE:
        raise DomainError("not_a_centre", _("Choose an interpreter centre."), field="centre")
    if meeting is not None and meeting.client_id != client.pk:
        raise DomainError("meeting_of_other_client", _("This meeting belongs to another client."), field="meeting")
    double_time = mental_health if double_time is None else double_time
    booked_minutes = meeting_minutes * (2 if double_time else 1)
    if booked_minutes > MAX_BOOKING_MINUTES:
        raise DomainError("booking_too_long", _("With double time the booking would last over 8 hours."),
                          field="ends_at")
    gender_wish = gender_wish if gender_wish is not None else client.interpreter_gender_preference
    if gender_wish not in GenderWish.values:
        raise DomainError("invalid_gender_wish", _("Choose the interpreter gender from the list."),
                          field="gender_wish")
    refused = list(refused_interpreters) if refused_interpreters is not None else _match_names(
        client.refused_interpreters)
    if preferred_interpreter is None and client.preferred_interpreter:
        named = _match_names(client.preferred_interpreter)
        preferred_interpreter = named[0] if named else None
    booking = Booking(
        client=client, meeting=meeting, organisation=client.organisation, centre=centre,
        area=client.municipality.area if client.municipality_id else client.organisation.home_area,
        requested_by=actor, language=language, dialect=_text(dialect, field="dialect", max_length=100),
        mode=mode, starts_at=starts_at, ends_at=starts_at + timedelta(minutes=booked_minutes),
        meeting_minutes=meeting_minutes, double_time=double_time, mental_health=mental_health, address=address,
        remote_details=remote_details, contact_person=_text(contact_person, field="contact_person", max_length=200),
        contact_phone=_text(contact_phone, field="contact_phone", max_length=32), gender_wish=gender_wish,
        preferred_interpreter=preferred_interpreter, share_client_name=share_client_name)
    check_request(booking, refused=refused, accept_alternatives=accept_alternatives)
    with transaction.atomic():
        booking.save()
        booking.refused_interpreters.set(refused)
        record_status(booking, actor=actor, from_status="")
        record_path_event(client=client, activity=events.INTERPRETER_BOOKED, actor=actor, subject=booking,
                          attributes={"language": language, "mode": mode, "starts_at": starts_at.isoformat(),
                                      "minutes": booked_minutes, "double_time": double_time})
        notify(booking, kind=MessageKind.REQUESTED, to=[RecipientKind.DISPATCHER])
    deliver_after_commit()
    return booking


def _locked(booking: Booking) -> Booking:
    return (Booking.objects.select_for_update(of=("self",)).select_related("client", "interpreter", "area")
            .get(pk=booking.pk))


def change_booking(*, actor: User, booking: Booking, starts_at: datetime, ends_at: datetime, address: str = "",
                   remote_details: str = "", contact_person: str = "", contact_phone: str = "") -> Booking:
    """Change the time or place; the assigned interpreter must still be free, and everyone hears of it.

    A confirmed booking gets a new .ics with the same UID and the next SEQUENCE.
    """
    access.require_client_access(actor=actor, client_id=booking.client_id, action=AccessAction.WRITE,
                                 object_type="interpreter_booking", object_id=booking.pk)
    meeting_minutes = validate_times(starts_at, ends_at)
    address = _text(address, field="address", max_length=300)
    remote_details = _text(remote_details, field="remote_details", max_length=300)
    _validate_place(booking.mode, address, remote_details)
    with transaction.atomic():
        current = _locked(booking)
        if current.status in FINAL_STATUSES:
            raise DomainError("booking_closed", _("This booking is closed and can no longer be changed."))
        current.starts_at = starts_at
        current.meeting_minutes = meeting_minutes
        current.ends_at = starts_at + timedelta(minutes=meeting_minutes * (2 if current.double_time else 1))
        current.address, current.remote_details = address, remote_details
        current.contact_person = _text(contact_person, field="contact_person", max_length=200)
        current.contact_phone = _text(contact_phone, field="contact_phone", max_length=32)
        if current.status in OCCUPYING_STATUSES:
            _recheck_interpreter(current)
        current.version += 1
        current.updated_at = timezone.now()
        try:
            with transaction.atomic():
                current.save()
        except IntegrityError as error:
            raise DomainError("interpreter_double_booked", _("The interpreter is already booked at the new time."),
                              field="starts_at") from error
        ics = {}
        if current.status == BookingStatus.CONFIRMED:
            ics = issue_calendar(current, method=CalendarMethod.REQUEST, languages=recipient_languages(current))
        record_status(current, actor=actor, from_status=current.status, note="changed")
        notify(current, kind=MessageKind.CHANGED, to=EVERYONE, ics_by_language=ics)
    deliver_after_commit()
    return current


def _recheck_interpreter(booking: Booking) -> None:
    """At a new time the assigned interpreter must pass every hard rule again (availability, no overlap)."""
    day = timezone.localdate(booking.starts_at)
    candidate = build_candidates([booking.interpreter], first_day=day, last_day=day,
                                 exclude_booking_ids=[booking.pk])[0]
    refused = booking.refused_interpreters.values_list("pk", flat=True)
    request = request_for(booking, previous=None, refused=refused, declined=declined_by([booking.pk])[booking.pk])
    reason = refusal(request, candidate)
    if reason is not None:
        raise DomainError("interpreter_not_free_at_new_time",
                          _("The interpreter is not free at the new time. Cancel this booking and request a new "
                            "one, or keep the old time."), field="starts_at", params={"reason": reason})
    start, end = blocked_interval(request, candidate)
    booking.blocked_from, booking.blocked_until = from_minutes(start), from_minutes(end)


def recipient_languages(booking: Booking) -> list[str]:
    languages = [booking.requested_by.preferred_language or "fi", letter_language(booking.client.preferred_language)]
    if booking.interpreter_id and booking.interpreter.user_id:
        languages.append(booking.interpreter.user.preferred_language or "fi")
    return languages


def cancel_booking(*, actor: User, booking: Booking, reason: str) -> Booking:
    """Cancel; late (billable) when an interpreter was already booked within the centre's notice period.

    A calendar CANCEL with the same UID goes to everyone who got the event; writes INTERPRETER_CANCELLED.
    """
    require_worker_or_dispatcher(actor=actor, booking=booking)
    reason = _text(reason, field="reason", max_length=300)
    if not reason:
        raise DomainError("reason_required", _("Give the reason for cancelling."), field="reason")
    with transaction.atomic():
        current = _locked(booking)
        if current.status in FINAL_STATUSES:
            raise DomainError("booking_closed", _("This booking is already closed."))
        previous = current.status
        terms = CentreTerms.objects.filter(centre_id=current.centre_id).first()
        notice = timedelta(hours=terms.late_cancellation_hours if terms else DEFAULT_LATE_CANCELLATION_HOURS)
        late = previous in OCCUPYING_STATUSES and current.starts_at - timezone.now() < notice
        current.status = BookingStatus.LATE_CANCELLATION if late else BookingStatus.CANCELLED
        current.cancel_reason, current.cancelled_at = reason, timezone.now()
        if late:
            tariff = tariff_for(current.interpreter)
            current.billable_minutes = billable_minutes(status=current.status, booked_minutes=current.minutes,
                                                        actual_minutes=None, tariff=tariff)
            current.cost = cost_of(current.billable_minutes, tariff)
        current.version += 1
        current.updated_at = timezone.now()
        current.save()
        ics = issue_calendar(current, method=CalendarMethod.CANCEL, languages=recipient_languages(current))
        record_status(current, actor=actor, from_status=previous, note=reason)
        record_path_event(client=current.client, activity=events.INTERPRETER_CANCELLED, actor=actor, subject=current,
                          attributes={"late": late, "previous_status": previous})
        notify(current, kind=MessageKind.CANCELLED, to=EVERYONE, ics_by_language=ics, note=reason)
    deliver_after_commit()
    return current


OUTCOMES = (BookingStatus.HELD, BookingStatus.CLIENT_NO_SHOW, BookingStatus.INTERPRETER_NO_SHOW)


def record_outcome(*, actor: User, booking: Booking, outcome: str, actual_minutes: int | None = None) -> Booking:
    """Record what happened at a confirmed booking and price it; an interpreter no-show writes INTERPRETER_FAILED."""
    access.require_client_access(actor=actor, client_id=booking.client_id, action=AccessAction.WRITE,
                                 object_type="interpreter_booking", object_id=booking.pk)
    if outcome not in OUTCOMES:
        raise DomainError("invalid_outcome", _("Choose what happened from the list."), field="outcome")
    if outcome == BookingStatus.HELD and (actual_minutes is None or not 1 <= actual_minutes <= MAX_BOOKING_MINUTES):
        raise DomainError("actual_minutes_required", _("Give how long the interpreting lasted (1–480 minutes)."),
                          field="actual_minutes")
    with transaction.atomic():
        current = _locked(booking)
        if current.status != BookingStatus.CONFIRMED:
            raise DomainError("not_confirmed", _("Only a confirmed booking can have an outcome."))
        if current.starts_at > timezone.now():
            raise DomainError("not_yet_started", _("The booking has not started yet."))
        previous = current.status
        tariff = tariff_for(current.interpreter)
        current.status = outcome
        current.actual_minutes = actual_minutes if outcome == BookingStatus.HELD else None
        current.billable_minutes = billable_minutes(status=outcome, booked_minutes=current.minutes,
                                                    actual_minutes=current.actual_minutes, tariff=tariff)
        current.cost = cost_of(current.billable_minutes, tariff)
        current.outcome_recorded_at = current.updated_at = timezone.now()
        current.version = F("version") + 1
        current.save()
        current.refresh_from_db()
        record_status(current, actor=actor, from_status=previous)
        if outcome == BookingStatus.INTERPRETER_NO_SHOW:
            record_path_event(client=current.client, activity=events.INTERPRETER_FAILED, actor=actor,
                              subject=current, at=current.starts_at,
                              attributes={"reason": "interpreter_no_show", "language": current.language})
    return current
