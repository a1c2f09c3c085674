"""The interpreter centre's side: assign (by hand or from proposals), the interpreter's answer, confirmation,
reminders. No double booking: the interpreter's row is locked (SQLite: the database write lock is taken
first) before the overlap check, and the database constraint refuses whatever slips past.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime, time, timedelta

from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from polku.casework.services.path_events import record_path_event
from polku.core import access
from polku.core.errors import AccessDenied, DomainError
from polku.core.models import AccessBasis, User
from polku.interpreting import events
from polku.interpreting.greedy import assign_greedy
from polku.interpreting.matching import Outcome, blocked_interval, reasons, refusal, score
from polku.interpreting.models import (
    OPEN_STATUSES,
    AssignmentProposal,
    Booking,
    BookingStatus,
    BookingStatusChange,
    CalendarMethod,
    Interpreter,
    InterpretingMode,
    MessageKind,
    OutboxMessage,
    RecipientKind,
)
from polku.interpreting.outbox import deliver_after_commit
from polku.interpreting.permissions import is_dispatcher_of, require_dispatcher, require_interpreter
from polku.interpreting.problem import (
    build_candidates,
    build_requests,
    declined_by,
    from_minutes,
    interpreters_for,
    request_for,
)
from polku.interpreting.services.bookings import EVERYONE, recipient_languages, record_status
from polku.interpreting.services.calendar import issue_calendar
from polku.interpreting.services.notifications import notify
from polku.interpreting.solver import assign_cp_sat

REFUSAL_MESSAGES = {
    "language": _("The interpreter does not work in this language or dialect."),
    "mode": _("The interpreter does not work in this mode (on site, phone, video)."),
    "area": _("The interpreter does not work on site in this area."),
    "gender": _("The client asked for an interpreter of another gender."),
    "refused_by_client": _("The client has refused this interpreter."),
    "declined": _("The interpreter has already declined this booking."),
    "not_available": _("The interpreter is not available at this time (working hours or absence)."),
    "already_booked": _("The interpreter is already booked at this time, including travel time. "
                        "Double booking is not possible."),
}


def lock_interpreter(interpreter_id: int) -> None:
    """Serialise every assignment of one interpreter until the transaction ends.

    PostgreSQL: a row lock on the interpreter. SQLite has no row locks (select_for_update is a no-op), so
    the first statement is a write, which takes SQLite's database-wide write lock at once; a later
    upgrade from a read lock could deadlock instead of waiting.
    """
    if connection.vendor == "sqlite":
        Interpreter.objects.filter(pk=interpreter_id).update(active=F("active"))
    else:
        list(Interpreter.objects.select_for_update().filter(pk=interpreter_id).values_list("pk", flat=True))


def assign_interpreter(*, actor: User, booking: Booking, interpreter: Interpreter) -> Booking:
    """The dispatcher gives an open booking to an interpreter who passes every hard rule and is free."""
    require_dispatcher(actor=actor, booking=booking)
    if interpreter.centre_id not in (None, booking.centre_id):
        raise DomainError("interpreter_of_other_centre", _("This interpreter works for another centre."),
                          field="interpreter")
    with transaction.atomic():
        lock_interpreter(interpreter.pk)
        current = Booking.objects.select_for_update(of=("self",)).select_related("area", "client").get(pk=booking.pk)
        if current.status not in OPEN_STATUSES:
            raise DomainError("booking_not_open", _("This booking is not waiting for an interpreter (it is "
                                                    "%(status)s).") % {"status": current.get_status_display()})
        day = timezone.localdate(current.starts_at)
        candidate = build_candidates([Interpreter.objects.prefetch_related(
            "languages", "areas", "availability", "absences").get(pk=interpreter.pk)],
            first_day=day, last_day=day, exclude_booking_ids=[current.pk])[0]
        request = request_for(current, previous=None, refused=current.refused_interpreters.values_list("pk", flat=True),
                              declined=declined_by([current.pk])[current.pk])
        reason = refusal(request, candidate)
        if reason is not None:
            code = "interpreter_double_booked" if reason == "already_booked" else "interpreter_unsuitable"
            raise DomainError(code, REFUSAL_MESSAGES[reason], field="interpreter", params={"reason": reason})
        start, end = blocked_interval(request, candidate)
        previous = current.status
        try:
            with transaction.atomic():  # a savepoint, so the database's refusal can be answered in words
                Booking.objects.filter(pk=current.pk).update(
                    interpreter=interpreter, blocked_from=from_minutes(start), blocked_until=from_minutes(end),
                    status=BookingStatus.ASSIGNED, version=F("version") + 1, updated_at=timezone.now())
        except IntegrityError as error:
            raise DomainError("interpreter_double_booked", REFUSAL_MESSAGES["already_booked"],
                              field="interpreter") from error
        current.refresh_from_db()
        record_status(current, actor=actor, from_status=previous)
        notify(current, kind=MessageKind.ASSIGNED, to=[RecipientKind.INTERPRETER, RecipientKind.WORKER])
    deliver_after_commit()
    return current


def respond_to_assignment(*, actor: User, booking: Booking, accept: bool, reason: str = "") -> Booking:
    """The interpreter accepts or declines (e.g. a conflict of interest); a decline frees the time."""
    booking = Booking.objects.get(pk=booking.pk)  # the caller's copy may predate the assignment
    require_interpreter(actor=actor, booking=booking)
    reason = (reason or "").strip()[:300]
    with transaction.atomic():
        current = (Booking.objects.select_for_update(of=("self",)).select_related("client", "interpreter")
                   .get(pk=booking.pk))
        if current.status != BookingStatus.ASSIGNED:
            raise DomainError("not_waiting_for_answer", _("This assignment is not waiting for your answer."))
        interpreter_id = current.interpreter_id
        current.status = BookingStatus.ACCEPTED if accept else BookingStatus.DECLINED
        if not accept:
            current.interpreter, current.blocked_from, current.blocked_until = None, None, None
        current.version += 1
        current.updated_at = timezone.now()
        current.save()
        BookingStatusChange.objects.create(booking=current, actor=actor, from_status=BookingStatus.ASSIGNED,
                                           to_status=current.status, interpreter_id=interpreter_id, note=reason)
        notify(current, kind=MessageKind.ACCEPTED if accept else MessageKind.DECLINED,
               to=[RecipientKind.DISPATCHER, RecipientKind.WORKER], note=reason)
    deliver_after_commit()
    return current


def confirm_booking(*, actor: User, booking: Booking) -> Booking:
    """Confirm an accepted booking: .ics (METHOD:REQUEST) and letters to everyone; writes INTERPRETER_CONFIRMED."""
    require_dispatcher(actor=actor, booking=booking)
    with transaction.atomic():
        current = Booking.objects.select_for_update(of=("self",)).select_related("client", "interpreter__user",
                                                                     "requested_by").get(pk=booking.pk)
        if current.status in (BookingStatus.CANCELLED, BookingStatus.LATE_CANCELLATION):
            raise DomainError("booking_cancelled", _("A cancelled booking cannot be confirmed again. Ask the worker "
                                                     "for a new request."))
        if current.status != BookingStatus.ACCEPTED:
            raise DomainError("not_accepted", _("Only a booking the interpreter has accepted can be confirmed "
                                                "(it is %(status)s).") % {"status": current.get_status_display()})
        if current.mode != InterpretingMode.ON_SITE and not current.remote_details:
            raise DomainError("remote_details_required", _("Give the phone number or video link before confirming."),
                              field="remote_details")
        current.status = BookingStatus.CONFIRMED
        current.version += 1
        current.updated_at = timezone.now()
        current.save()
        ics = issue_calendar(current, method=CalendarMethod.REQUEST, languages=recipient_languages(current))
        record_status(current, actor=actor, from_status=BookingStatus.ACCEPTED)
        record_path_event(client=current.client, activity=events.INTERPRETER_CONFIRMED, actor=actor, subject=current,
                          attributes={"language": current.language, "mode": current.mode,
                                      "interpreter": current.interpreter_id})
        notify(current, kind=MessageKind.CONFIRMED, to=[RecipientKind.WORKER, RecipientKind.INTERPRETER,
                                                         RecipientKind.CLIENT], ics_by_language=ics)
    deliver_after_commit()
    return current


def record_no_interpreter_found(*, actor: User, booking: Booking, reason: str) -> Booking:
    """The centre gives up on an open request: cancelled, the worker is told, and INTERPRETER_FAILED is written."""
    require_dispatcher(actor=actor, booking=booking)
    with transaction.atomic():
        current = Booking.objects.select_for_update(of=("self",)).select_related("client").get(pk=booking.pk)
        if current.status not in OPEN_STATUSES:
            raise DomainError("booking_not_open", _("This booking is not waiting for an interpreter."))
        previous = current.status
        current.status, current.cancel_reason, current.cancelled_at = BookingStatus.CANCELLED, reason[:300], \
            timezone.now()
        current.save()
        record_status(current, actor=actor, from_status=previous, note=reason)
        record_path_event(client=current.client, activity=events.INTERPRETER_FAILED, actor=actor, subject=current,
                          attributes={"reason": "no_interpreter_found", "language": current.language})
        notify(current, kind=MessageKind.CANCELLED, to=[RecipientKind.WORKER], note=reason)
    deliver_after_commit()
    return current


def propose_assignments(*, actor: User, first_day: date, last_day: date, method: str = "cp-sat",
                        time_limit_seconds: float = 8.0) -> tuple[uuid.UUID, Outcome]:
    """Run the solver (or the greedy baseline) over the centre's open requests; store proposals for review."""
    if not is_dispatcher_of(actor, actor.organisation_id):
        raise AccessDenied("not_dispatcher", _("Only an interpreter centre's dispatcher can do this."))
    tz = timezone.get_current_timezone()
    window_start = timezone.make_aware(datetime.combine(first_day, time.min), tz)
    window_end = timezone.make_aware(datetime.combine(last_day + timedelta(days=1), time.min), tz)
    bookings = list(Booking.objects.filter(centre_id=actor.organisation_id, status__in=OPEN_STATUSES,
                                           starts_at__gte=max(window_start, timezone.now()),
                                           starts_at__lt=window_end).select_related("area"))
    access.log_list_read(actor=actor, client_ids=sorted({b.client_id for b in bookings}),
                         object_type="interpreter_booking", basis=AccessBasis.ADMINISTRATIVE)
    requests = build_requests(bookings)
    candidates = build_candidates(interpreters_for(centre_id=actor.organisation_id), first_day=first_day,
                                  last_day=last_day)
    outcome = (assign_greedy(requests, candidates) if method == "greedy"
               else assign_cp_sat(requests, candidates, time_limit_seconds=time_limit_seconds))
    batch = uuid.uuid4()
    by_request = {r.id: r for r in requests}
    by_candidate = {c.id: c for c in candidates}
    with transaction.atomic():
        AssignmentProposal.objects.bulk_create(
            AssignmentProposal(batch=batch, method=outcome.method, booking_id=booking_id, interpreter_id=interpreter_id,
                               score=score(by_request[booking_id], by_candidate[interpreter_id]),
                               reasons=reasons(by_request[booking_id], by_candidate[interpreter_id]), created_by=actor)
            for booking_id, interpreter_id in outcome.assignment.items())
    return batch, outcome


def accept_proposals(*, actor: User, batch: uuid.UUID, booking_ids: list[int] | None = None
                     ) -> tuple[list[Booking], dict[int, str]]:
    """Assign the reviewed proposals one by one; a proposal that no longer fits is reported, not forced."""
    proposals = AssignmentProposal.objects.filter(batch=batch, accepted__isnull=True, created_by=actor)
    if booking_ids is not None:
        proposals = proposals.filter(booking_id__in=booking_ids)
    assigned, failed = [], {}
    for proposal in proposals.select_related("booking", "interpreter"):
        try:
            assigned.append(assign_interpreter(actor=actor, booking=proposal.booking,
                                               interpreter=proposal.interpreter))
            AssignmentProposal.objects.filter(pk=proposal.pk).update(accepted=True, decided_at=timezone.now())
        except DomainError as error:
            failed[proposal.booking_id] = str(error.message)
            AssignmentProposal.objects.filter(pk=proposal.pk).update(accepted=False, decided_at=timezone.now())
    return assigned, failed


def send_reminders(*, day: date | None = None) -> int:
    """Reminders to everyone for the confirmed bookings of the given day (tomorrow by default); idempotent."""
    day = day or timezone.localdate() + timedelta(days=1)
    reminders = OutboxMessage.objects.filter(kind=MessageKind.REMINDER, dedupe_key__endswith=f":{day.isoformat()}")
    before = reminders.count()
    bookings = Booking.objects.filter(status=BookingStatus.CONFIRMED, starts_at__date=day).select_related(
        "client", "interpreter__user", "requested_by")
    for booking in bookings:
        with transaction.atomic():
            notify(booking, kind=MessageKind.REMINDER, to=EVERYONE, dedupe_suffix=day.isoformat())
    deliver_after_commit()
    return reminders.count() - before
