"""Reads of the trainings app. No client data lives here; participant lists are for the organiser only."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from polku.core.errors import AccessDenied
from polku.core.models import User
from polku.trainings import permissions
from polku.trainings.models import (
    Certificate,
    CourseModule,
    Enrolment,
    EnrolmentStatus,
    Feedback,
    ModuleCompletion,
    SelfPacedCourse,
    TrainingEvent,
)

NATIONAL = "national"


def list_events(*, viewer: User, area: str = "", kind: str = "", upcoming: bool = True) -> QuerySet[TrainingEvent]:
    """Published and cancelled events, soonest first; `area` is a collaboration-area code or "national"."""
    events = (TrainingEvent.objects.select_related("area")
              .annotate(enrolled=Count("enrolments", filter=Q(enrolments__status=EnrolmentStatus.ENROLLED))))
    if area == NATIONAL:
        events = events.filter(area__isnull=True)
    elif area:
        events = events.filter(area__code=area)
    if kind:
        events = events.filter(kind=kind)
    if upcoming:
        events = events.filter(ends_at__gte=timezone.now())
    return events.order_by("starts_at", "id") if upcoming else events.order_by("-starts_at", "-id")


def get_event(*, event_id: int) -> TrainingEvent:
    event = (TrainingEvent.objects.select_related("area", "directory_training")
             .annotate(enrolled=Count("enrolments", filter=Q(enrolments__status=EnrolmentStatus.ENROLLED)),
                       waiting=Count("enrolments", filter=Q(enrolments__status=EnrolmentStatus.WAITING)))
             .filter(pk=event_id).first())
    if event is None:
        raise TrainingEvent.DoesNotExist
    return event


def get_my_enrolment(*, viewer: User, event: TrainingEvent) -> Enrolment | None:
    """The viewer's own enrolment at the event (any status), with feedback and certificate looked up."""
    enrolment = Enrolment.objects.filter(event=event, user=viewer).first()
    if enrolment is not None:
        enrolment.has_feedback = Feedback.objects.filter(enrolment=enrolment).exists()
        enrolment.waiting_position = (
            Enrolment.objects.filter(event=event, status=EnrolmentStatus.WAITING)
            .filter(Q(queued_at__lt=enrolment.queued_at) | Q(queued_at=enrolment.queued_at, id__lt=enrolment.id))
            .count() + 1 if enrolment.status == EnrolmentStatus.WAITING else None)
    return enrolment


def latest_invitation(*, viewer: User, event: TrainingEvent) -> str:
    """The last calendar message sent to the viewer for the event ("" when none was: e.g. still queued)."""
    enrolment = Enrolment.objects.filter(event=event, user=viewer).first()
    if enrolment is None:
        return ""
    issue = enrolment.invitations.order_by("-sequence").first()
    return issue.content if issue else ""


def list_my_enrolments(*, viewer: User) -> QuerySet[Enrolment]:
    """The viewer's enrolments (also cancelled ones), newest event first."""
    return (Enrolment.objects.filter(user=viewer).select_related("event", "event__area")
            .order_by("-event__starts_at", "-id"))


def list_my_certificates(*, viewer: User) -> QuerySet[Certificate]:
    return Certificate.objects.filter(user=viewer).order_by("-issued_at")


@dataclass(frozen=True)
class Participants:
    enrolled: list[Enrolment]
    waiting: list[Enrolment]
    cancelled: int
    feedback_count: int
    feedback_average: float | None
    feedback: list[Feedback]


def get_participants(*, viewer: User, event: TrainingEvent) -> Participants:
    """The organiser's view: enrolled, the waiting list in order, and the feedback."""
    if not permissions.can_organise(viewer, event):
        raise AccessDenied("not_organiser", _("Only the coordinator organising this event may see its participants."))
    rows = list(Enrolment.objects.filter(event=event).select_related("user", "user__organisation")
                .order_by("queued_at", "id"))
    feedback = list(Feedback.objects.filter(enrolment__event=event).order_by("-created_at"))
    return Participants(enrolled=[row for row in rows if row.status == EnrolmentStatus.ENROLLED],
                        waiting=[row for row in rows if row.status == EnrolmentStatus.WAITING],
                        cancelled=sum(row.status == EnrolmentStatus.CANCELLED for row in rows),
                        feedback_count=len(feedback),
                        feedback_average=sum(item.rating for item in feedback) / len(feedback) if feedback else None,
                        feedback=feedback)


def list_courses(*, viewer: User) -> QuerySet[SelfPacedCourse]:
    return SelfPacedCourse.objects.filter(is_published=True).annotate(module_count=Count("modules"))


@dataclass(frozen=True)
class CourseProgress:
    course: SelfPacedCourse
    modules: list[tuple[CourseModule, bool]]
    done: int
    total: int
    certificate: Certificate | None

    @property
    def complete(self) -> bool:
        return self.total > 0 and self.done == self.total


def get_course_progress(*, viewer: User, slug: str) -> CourseProgress:
    """A published course with the viewer's module checklist."""
    course = SelfPacedCourse.objects.get(slug=slug, is_published=True)
    modules = list(course.modules.order_by("position"))
    done_ids = set(ModuleCompletion.objects.filter(user=viewer, module__course=course)
                   .values_list("module_id", flat=True))
    return CourseProgress(course=course, modules=[(module, module.pk in done_ids) for module in modules],
                          done=len(done_ids), total=len(modules),
                          certificate=Certificate.objects.filter(user=viewer, course=course).first())

