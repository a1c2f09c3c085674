"""Writes of the trainings app: one use case per function, the access check first, then one transaction.

Every change to the seats of an event locks the event row (`select_for_update`), so that counting the
enrolled and taking a seat happen as one step: two people can never take the last seat together.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from polku.core.errors import AccessDenied, DomainError
from polku.core.models import CollaborationArea, User
from polku.directory.models import Training
from polku.interpreting.outbox import deliver_after_commit
from polku.trainings import permissions
from polku.trainings.models import (
    CalendarMethod,
    Certificate,
    CourseModule,
    Enrolment,
    EnrolmentStatus,
    EventFormat,
    EventStatus,
    Feedback,
    ModuleCompletion,
    SelfPacedCourse,
    TrainingEvent,
)
from polku.trainings.notifications import issue_invitation, notify

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I: the code is typed in from paper


@dataclass(frozen=True, kw_only=True)
class EventData:
    """What an organiser enters for an event."""

    kind: str
    format: str
    title_fi: str
    starts_at: datetime
    ends_at: datetime
    hours: Decimal
    capacity: int
    organiser_name: str
    area: CollaborationArea | None = None
    title_sv: str = ""
    title_en: str = ""
    description_fi: str = ""
    description_sv: str = ""
    description_en: str = ""
    place: str = ""
    online_url: str = ""
    directory_training: Training | None = None


# Changes to these fields are sent to the participants as a calendar update.
CALENDAR_FIELDS = ("title_fi", "title_sv", "title_en", "starts_at", "ends_at", "place", "online_url", "format")


def _require_organiser(actor: User, area: CollaborationArea | None) -> None:
    if not permissions.can_organise_in(actor, area):
        raise DomainError("not_organiser", _("Only the coordinator organising this event may do this."))


def _validate(data: EventData) -> None:
    """The rules the database also holds, checked first so the user gets a message naming the field."""
    if not data.title_fi.strip():
        raise DomainError("title_required", _("Give the title in Finnish."), field="title_fi")
    if data.ends_at <= data.starts_at:
        raise DomainError("ends_before_start", _("The event must end after it starts."), field="ends_at")
    if data.capacity is None or data.capacity < 1:
        raise DomainError("capacity_too_small", _("The capacity must be at least one."), field="capacity")
    if data.hours is None or data.hours <= 0:
        raise DomainError("hours_required", _("Give the hours of training (more than zero)."), field="hours")
    if data.format == EventFormat.IN_PERSON and not data.place.strip():
        raise DomainError("place_required", _("An in-person event needs a place."), field="place")
    if data.format == EventFormat.ONLINE and not data.online_url.strip():
        raise DomainError("link_required", _("An online event needs a link."), field="online_url")
    # The link is shown as a link to the participants: only web addresses, never e.g. javascript: ones.
    if data.online_url and not data.online_url.lower().startswith(("https://", "http://")):
        raise DomainError("link_invalid", _("The link must be a web address beginning with https://."),
                          field="online_url")


def create_event(*, actor: User, data: EventData) -> TrainingEvent:
    """Publish an event; an area coordinator only for their own collaboration area."""
    _require_organiser(actor, data.area)
    _validate(data)
    with transaction.atomic():
        return TrainingEvent.objects.create(created_by=actor, **data.__dict__)


def _lock(event: TrainingEvent) -> TrainingEvent:
    """The event row, locked until the transaction ends: the one gate every change of seats passes through."""
    return TrainingEvent.objects.select_for_update().get(pk=event.pk)


def _enrolled_count(event: TrainingEvent) -> int:
    return Enrolment.objects.filter(event=event, status=EnrolmentStatus.ENROLLED).count()


def _promote_waiting(event: TrainingEvent, *, seats: int) -> list[Enrolment]:
    """Give up to `seats` freed seats to the waiting list in the order people joined it, and tell them."""
    if seats <= 0:
        return []
    promoted = list(Enrolment.objects.select_related("user", "event")
                    .filter(event=event, status=EnrolmentStatus.WAITING).order_by("queued_at", "id")[:seats])
    now = timezone.now()
    for enrolment in promoted:
        enrolment.status = EnrolmentStatus.ENROLLED
        enrolment.enrolled_at = now
        enrolment.save(update_fields=["status", "enrolled_at"])
        notify(enrolment, kind="promoted", ics=issue_invitation(enrolment, method=CalendarMethod.REQUEST))
    return promoted


def update_event(*, actor: User, event: TrainingEvent, data: EventData) -> TrainingEvent:
    """Change an event; the capacity never below the enrolled; more seats go to the waiting list; participants
    get a calendar update when the time, place or title changes."""
    _require_organiser(actor, event.area)
    _require_organiser(actor, data.area)
    _validate(data)
    with transaction.atomic():
        locked = _lock(event)
        if locked.is_cancelled:
            raise DomainError("event_cancelled", _("A cancelled event cannot be changed."))
        enrolled = _enrolled_count(locked)
        if data.capacity < enrolled:
            raise DomainError("capacity_below_enrolled",
                              _("The capacity cannot be lower than the %(count)s people already enrolled. "
                                "Cancel enrolments first or keep the capacity at %(count)s or more.")
                              % {"count": enrolled}, field="capacity")
        calendar_changed = any(getattr(locked, name) != getattr(data, name) for name in CALENDAR_FIELDS)
        for name, value in data.__dict__.items():
            setattr(locked, name, value)
        locked.save()
        if calendar_changed:
            for enrolment in locked.enrolments.select_related("user").filter(status=EnrolmentStatus.ENROLLED):
                enrolment.event = locked
                notify(enrolment, kind="event_changed", ics=issue_invitation(enrolment, method=CalendarMethod.REQUEST))
        _promote_waiting(locked, seats=locked.capacity - enrolled)
        deliver_after_commit()
    return locked


def enrol(*, actor: User, event: TrainingEvent) -> Enrolment:
    """Take a seat, or a place on the waiting list when the event is full; a second enrolment is refused."""
    if not permissions.can_enrol(actor):
        raise AccessDenied("not_allowed", _("You cannot enrol in trainings."))
    try:
        with transaction.atomic():
            locked = _lock(event)
            if locked.is_cancelled:
                raise DomainError("event_cancelled", _("The event is cancelled."))
            if locked.starts_at <= timezone.now():
                raise DomainError("enrolment_closed", _("Enrolment has closed: the event has already started."))
            enrolment = Enrolment.objects.filter(event=locked, user=actor).first()
            if enrolment and enrolment.status != EnrolmentStatus.CANCELLED:
                raise DomainError("already_enrolled", _("You are already enrolled in this event.")
                                  if enrolment.status == EnrolmentStatus.ENROLLED
                                  else _("You are already on the waiting list of this event."))
            has_seat = _enrolled_count(locked) < locked.capacity
            now = timezone.now()
            enrolment = enrolment or Enrolment(event=locked, user=actor)
            enrolment.event = locked
            enrolment.status = EnrolmentStatus.ENROLLED if has_seat else EnrolmentStatus.WAITING
            enrolment.queued_at = now
            enrolment.enrolled_at = now if has_seat else None
            enrolment.cancelled_at = None
            enrolment.attended = None
            enrolment.save()
            if has_seat:
                notify(enrolment, kind="enrolled", ics=issue_invitation(enrolment, method=CalendarMethod.REQUEST))
            else:
                notify(enrolment, kind="waitlisted")
            deliver_after_commit()
            return enrolment
    except IntegrityError as error:
        # Only a concurrent second enrolment of the same person can get here (the unique constraint).
        raise DomainError("already_enrolled", _("You are already enrolled in this event.")) from error


def cancel_enrolment(*, actor: User, event: TrainingEvent) -> Enrolment:
    """Give up one's own seat (a calendar CANCEL) or place in the queue; a freed seat goes to the next in line."""
    with transaction.atomic():
        locked = _lock(event)
        enrolment = (Enrolment.objects.select_related("user").filter(event=locked, user=actor)
                     .exclude(status=EnrolmentStatus.CANCELLED).first())
        if enrolment is None:
            raise DomainError("not_enrolled", _("You are not enrolled in this event."))
        if locked.is_cancelled:
            raise DomainError("event_cancelled", _("The event is cancelled."))
        if locked.starts_at <= timezone.now():
            raise DomainError("event_started", _("The event has already started; the enrolment can no longer be "
                                                 "cancelled here. Contact the organiser."))
        had_seat = enrolment.status == EnrolmentStatus.ENROLLED
        enrolment.event = locked
        enrolment.status = EnrolmentStatus.CANCELLED
        enrolment.cancelled_at = timezone.now()
        enrolment.save(update_fields=["status", "cancelled_at"])
        notify(enrolment, kind="enrolment_cancelled",
               ics=issue_invitation(enrolment, method=CalendarMethod.CANCEL) if had_seat else "")
        if had_seat:
            _promote_waiting(locked, seats=locked.capacity - _enrolled_count(locked))
        deliver_after_commit()
    return enrolment


def cancel_event(*, actor: User, event: TrainingEvent, reason: str) -> TrainingEvent:
    """Cancel the whole event: everyone enrolled gets a calendar CANCEL, everyone queued a message."""
    _require_organiser(actor, event.area)
    if not reason.strip():
        raise DomainError("reason_required", _("Give the reason for the cancellation; the participants see it."),
                          field="reason")
    with transaction.atomic():
        locked = _lock(event)
        if locked.is_cancelled:
            raise DomainError("event_cancelled", _("The event is already cancelled."))
        locked.status = EventStatus.CANCELLED
        locked.cancelled_at = timezone.now()
        locked.cancel_reason = reason.strip()
        locked.save(update_fields=["status", "cancelled_at", "cancel_reason"])
        for enrolment in locked.enrolments.select_related("user").exclude(status=EnrolmentStatus.CANCELLED):
            enrolment.event = locked
            ics = issue_invitation(enrolment, method=CalendarMethod.CANCEL) \
                if enrolment.status == EnrolmentStatus.ENROLLED else ""
            notify(enrolment, kind="event_cancelled", ics=ics, reason=locked.cancel_reason)
        deliver_after_commit()
    return locked


def mark_attendance(*, actor: User, event: TrainingEvent, attended_user_ids: Iterable[int]) -> int:
    """Record who of the enrolled attended (the rest did not); only the organiser, once the event has started."""
    _require_organiser(actor, event.area)
    attended = set(attended_user_ids)
    with transaction.atomic():
        locked = _lock(event)
        if locked.is_cancelled:
            raise DomainError("event_cancelled", _("The event is cancelled."))
        if locked.starts_at > timezone.now():
            raise DomainError("not_started", _("Attendance can be marked once the event has started."))
        enrolled = list(Enrolment.objects.filter(event=locked, status=EnrolmentStatus.ENROLLED))
        unknown = attended - {enrolment.user_id for enrolment in enrolled}
        if unknown:
            raise DomainError("not_a_participant", _("Only enrolled participants can be marked as attended."),
                              field="attended")
        now = timezone.now()
        for enrolment in enrolled:
            enrolment.attended = enrolment.user_id in attended
            enrolment.attendance_marked_at = now
            enrolment.attendance_marked_by = actor
        Enrolment.objects.bulk_update(enrolled, ["attended", "attendance_marked_at", "attendance_marked_by"])
    return len(attended)


def _attended_enrolment(actor: User, event: TrainingEvent) -> Enrolment | None:
    return Enrolment.objects.filter(event=event, user=actor, status=EnrolmentStatus.ENROLLED, attended=True).first()


def submit_feedback(*, actor: User, event: TrainingEvent, rating: int, comment: str = "") -> Feedback:
    """An attendee's rating (1–5) and comment, once per participant."""
    enrolment = _attended_enrolment(actor, event)
    if enrolment is None:
        raise DomainError("not_attended", _("Only participants marked as attended can give feedback."))
    if not isinstance(rating, int) or not 1 <= rating <= 5:
        raise DomainError("rating_out_of_range", _("Choose a rating from 1 to 5."), field="rating")
    try:
        with transaction.atomic():
            return Feedback.objects.create(enrolment=enrolment, rating=rating, comment=comment.strip())
    except IntegrityError as error:
        raise DomainError("feedback_given", _("You have already given feedback on this event.")) from error


def _new_code() -> str:
    raw = "".join(secrets.choice(CODE_ALPHABET) for _position in range(12))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def _create_certificate(**fields) -> Certificate:
    for _attempt in range(5):  # a clash of 32^12 codes is astronomically rare; retrying costs nothing
        try:
            with transaction.atomic():
                return Certificate.objects.create(code=_new_code(), **fields)
        except IntegrityError:
            existing = Certificate.objects.filter(user=fields["user"], event=fields.get("event"),
                                                  course=fields.get("course")).first()
            if existing:
                return existing
    raise DomainError("certificate_failed", _("The certificate could not be issued; try again."))


def _participant_name(user: User) -> str:
    return user.get_full_name() or user.username


def issue_event_certificate(*, actor: User, event: TrainingEvent) -> Certificate:
    """The certificate of an attended event (the same one on every request); refused without attendance."""
    existing = Certificate.objects.filter(user=actor, event=event).first()
    if existing:
        return existing
    if _attended_enrolment(actor, event) is None:
        raise DomainError("not_attended", _("A certificate is given only to participants marked as attended."))
    return _create_certificate(user=actor, event=event, participant_name=_participant_name(actor),
                               title=event.title, completed_on=timezone.localdate(event.ends_at), hours=event.hours,
                               organiser_name=event.organiser_name)


def complete_module(*, actor: User, module: CourseModule) -> ModuleCompletion:
    """Mark a module of a self-paced course completed (again is harmless)."""
    if not permissions.can_enrol(actor):
        raise AccessDenied("not_allowed", _("You cannot take trainings."))
    if not module.course.is_published:
        raise DomainError("course_unpublished", _("The course is not available."))
    with transaction.atomic():
        completion, _created = ModuleCompletion.objects.get_or_create(module=module, user=actor)
    return completion


def issue_course_certificate(*, actor: User, course: SelfPacedCourse) -> Certificate:
    """The certificate of a self-paced course once every module is completed."""
    existing = Certificate.objects.filter(user=actor, course=course).first()
    if existing:
        return existing
    modules = course.modules.count()
    completions = ModuleCompletion.objects.filter(module__course=course, user=actor)
    done = completions.count()
    if modules == 0 or done < modules:
        raise DomainError("course_incomplete", _("Complete all modules first (%(done)s of %(total)s done).")
                          % {"done": done, "total": modules})
    last = completions.order_by("-completed_at").first()
    return _create_certificate(user=actor, course=course, participant_name=_participant_name(actor),
                               title=course.title, completed_on=timezone.localdate(last.completed_at),
                               hours=course.hours, organiser_name=course.organiser_name)
