"""Writes of the consultation workflow: ask, route, escalate, remind, answer, follow up, close with a rating.

Permission and routing checks come before each transaction; notifications are written to the outbox inside
it. Consultations hold no client identity, so no path events and no access-log rows are written.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from polku.core.errors import AccessDenied, DomainError
from polku.core.models import Area, User
from polku.directory.languages import validate_language_codes
from polku.network import routing
from polku.network.attachments import validate_attachments
from polku.network.deadlines import reminder_from, response_due
from polku.network.models import (
    Consultation,
    ConsultationAttachment,
    ConsultationMessage,
    ConsultationRecipient,
    ConsultationStatus,
    ConsultationTopic,
    RecipientReason,
    RoutingLevel,
    Urgency,
)
from polku.network.notifications import notify
from polku.network.privacy import find_identifiers, mask_identifiers
from polku.network.selectors import can_view_consultation

MAX_TITLE = 200
MAX_DESCRIPTION = 10_000
ANSWERING_REASONS = {RecipientReason.AREA_ACTOR, RecipientReason.MATCHING_EXPERT,
                     RecipientReason.NATIONAL_COORDINATOR, RecipientReason.NATIONAL_EXPERT, RecipientReason.MANUAL}


def _require_perm(actor: User, permission: str, message) -> None:
    if not actor.is_active or not actor.has_perm(f"core.{permission}"):
        raise AccessDenied("not_permitted", message)


def _validate_request(*, title: str, description: str, topics: Sequence[str], urgency: str,
                      area: Area | None) -> None:
    if not title.strip():
        raise DomainError("required", _("Give the request a short title."), field="title")
    if len(title.strip()) > MAX_TITLE:
        raise DomainError("too_long", _("The title can be at most %(n)s characters.") % {"n": MAX_TITLE}, field="title")
    if not description.strip():
        raise DomainError("required", _("Describe the case without the client's identity."), field="description")
    if len(description) > MAX_DESCRIPTION:
        raise DomainError("too_long", _("The description can be at most %(n)s characters.") % {"n": MAX_DESCRIPTION},
                          field="description")
    if not topics:
        raise DomainError("required", _("Choose at least one topic."), field="topics")
    unknown = [topic for topic in topics if topic not in ConsultationTopic.values]
    if unknown:
        raise DomainError("unknown_topic", _("Unknown topic: %(topics)s.") % {"topics": ", ".join(unknown)},
                          field="topics")
    if urgency not in Urgency.values:
        raise DomainError("unknown_urgency", _("Choose the urgency."), field="urgency")
    if area is None or area.collaboration_area_id is None:
        raise DomainError("area_required", _("Choose a wellbeing services area that belongs to a collaboration "
                                             "area."), field="area")


def _route(consultation: Consultation, routes: list[routing.Route], *, level: str, event: str) -> list[User]:
    existing = set(consultation.recipients.values_list("user_id", flat=True))
    new = [route for route in routes if route.user.pk not in existing]
    ConsultationRecipient.objects.bulk_create(
        ConsultationRecipient(consultation=consultation, user=route.user, level=level, reason=route.reason,
                              routed_at=timezone.now()) for route in new)
    users = [route.user for route in new]
    notify(event=event, consultation=consultation, users=users)
    return users


def _has_answerer(routes: list[routing.Route]) -> bool:
    return any(route.reason in ANSWERING_REASONS for route in routes)


def ask_consultation(*, actor: User, title: str, description: str, topics: Sequence[str], urgency: str,
                     area: Area | None, languages: Sequence[str] = (), concerns_client: bool = False,
                     mask: bool = False) -> Consultation:
    """Send a request to the network; identifiers in the text are refused unless the sender chose masking.

    Routed to the collaboration area first; when nobody there can answer, to national level at once.
    """
    _require_perm(actor, "ask_consultation", _("Your role cannot ask the expert network for consultation."))
    _validate_request(title=title, description=description, topics=topics, urgency=urgency, area=area)
    languages = validate_language_codes(languages)
    found = find_identifiers(title) + find_identifiers(description)
    if found and not mask:
        raise DomainError("identifiers_found", _("The text contains an identity code, phone number or e-mail "
                                                 "address. Describe the case without the client's identity, or "
                                                 "send the masked text."), field="description")
    if found:
        title, description = mask_identifiers(title), mask_identifiers(description)
    return _create_consultation(actor=actor, title=title.strip(), description=description.strip(),
                                topics=list(dict.fromkeys(topics)), urgency=urgency, area=area, languages=languages,
                                concerns_client=concerns_client, masked=bool(found))


@transaction.atomic
def _create_consultation(*, actor: User, title: str, description: str, topics: list[str], urgency: str, area: Area,
                         languages: list[str], concerns_client: bool, masked: bool) -> Consultation:
    now = timezone.now()
    consultation = Consultation.objects.create(
        asker=actor, title=title, description=description, topics=topics, urgency=urgency, area=area,
        collaboration_area=area.collaboration_area, languages=languages, concerns_client=concerns_client,
        masked=masked, created_at=now, due_at=response_due(asked_at=now, urgency=urgency))
    routes = routing.area_routes(collaboration_area=consultation.collaboration_area, topics=topics,
                                 languages=languages, exclude=actor)
    _route(consultation, routes, level=RoutingLevel.AREA, event="routed")
    if not _has_answerer(routes):
        # Nobody in the area can answer: waiting for the target to pass would only delay the asker.
        _escalate(consultation, now=now)
    return consultation


def _escalate(consultation: Consultation, *, now: datetime) -> list[User]:
    consultation.level = RoutingLevel.NATIONAL
    consultation.escalated_at = now
    consultation.due_at = response_due(asked_at=now, urgency=consultation.urgency)
    consultation.save(update_fields=["level", "escalated_at", "due_at"])
    routes = routing.national_routes(topics=consultation.topics, languages=consultation.languages,
                                     exclude=consultation.asker)
    added = _route(consultation, routes, level=RoutingLevel.NATIONAL, event="escalated")
    # Those already routed at area level hear that it moved on, too.
    earlier = [r.user for r in consultation.recipients.select_related("user").exclude(user__in=added)]
    notify(event="escalated", consultation=consultation, users=earlier, dedupe="escalated")
    return added


def escalate_consultation(*, actor: User, consultation: Consultation) -> Consultation:
    """A coordinator moves an unanswered area-level request to national level now."""
    _require_perm(actor, "coordinate_network", _("Only a network coordinator can escalate a request."))
    if not can_view_consultation(viewer=actor, consultation=consultation):
        raise AccessDenied("not_visible", _("The request was not found."))
    with transaction.atomic():
        locked = Consultation.objects.select_for_update().get(pk=consultation.pk)
        if locked.level == RoutingLevel.NATIONAL:
            raise DomainError("already_national", _("The request is already at national level."))
        if locked.status == ConsultationStatus.CLOSED:
            raise DomainError("closed", _("The request is closed."))
        _escalate(locked, now=timezone.now())
    return locked


def route_to_expert(*, actor: User, consultation: Consultation, user: User) -> ConsultationRecipient:
    """A coordinator routes the request to one more expert by hand."""
    _require_perm(actor, "coordinate_network", _("Only a network coordinator can route requests."))
    if not can_view_consultation(viewer=actor, consultation=consultation):
        raise AccessDenied("not_visible", _("The request was not found."))
    if not routing.can_answer(user):
        raise DomainError("not_an_expert", _("This person is not linked to a network expert."), field="expert")
    if user.pk == consultation.asker_id:
        raise DomainError("own_request", _("The request cannot be routed to the person who asked it."),
                          field="expert")
    with transaction.atomic():
        recipient, created = ConsultationRecipient.objects.get_or_create(
            consultation=consultation, user=user,
            defaults={"level": consultation.level, "reason": RecipientReason.MANUAL})
        if not created:
            raise DomainError("already_routed", _("The request has already been routed to this person."),
                              field="expert")
        notify(event="routed", consultation=consultation, users=[user])
    return recipient


@dataclass(frozen=True)
class CheckResult:
    reminded: int
    escalated: int

    def summary(self) -> str:
        return f"Consultations: {self.reminded} reminders, {self.escalated} escalated to national level"


def check_consultations(*, now: datetime | None = None) -> CheckResult:
    """The periodic job: remind before the target, escalate area-level requests unanswered past it. Idempotent."""
    now = now or timezone.now()
    reminded = escalated = 0
    waiting = Consultation.objects.filter(status=ConsultationStatus.OPEN, first_answered_at__isnull=True)
    for consultation_id in waiting.values_list("pk", flat=True):
        with transaction.atomic():
            consultation = (Consultation.objects.select_for_update()
                            .filter(pk=consultation_id, status=ConsultationStatus.OPEN,
                                    first_answered_at__isnull=True).first())
            if consultation is None:
                continue  # answered or closed meanwhile
            if now >= consultation.due_at and consultation.level == RoutingLevel.AREA:
                _escalate(consultation, now=now)
                escalated += 1
            elif reminder_from(consultation.due_at) <= now < consultation.due_at:
                users = [r.user for r in consultation.recipients.select_related("user")
                         .filter(level=consultation.level, reason__in=ANSWERING_REASONS)]
                sent = notify(event="reminder", consultation=consultation, users=users,
                              dedupe=f"reminder:{consultation.level}")
                reminded += 1 if sent else 0
    return CheckResult(reminded=reminded, escalated=escalated)


def _is_answerer(actor: User, consultation: Consultation) -> bool:
    return (routing.can_answer(actor) and consultation.recipients.filter(
        user=actor, reason__in=ANSWERING_REASONS).exists())


def _store_attachments(message: ConsultationMessage, uploads: Sequence[UploadedFile], types: list[str]) -> None:
    for upload, content_type in zip(uploads, types, strict=True):
        ConsultationAttachment.objects.create(message=message, file=upload, original_name=(upload.name or "")[:200],
                                              content_type=content_type, size=upload.size)


def post_message(*, actor: User, consultation: Consultation, body: str,
                 attachments: Sequence[UploadedFile] = ()) -> ConsultationMessage:
    """An answer by a routed expert, or a follow-up by the asker; files within the size and type limits."""
    if not can_view_consultation(viewer=actor, consultation=consultation):
        raise AccessDenied("not_visible", _("The request was not found."))
    is_asker = actor.pk == consultation.asker_id
    if not is_asker and not _is_answerer(actor, consultation):
        raise DomainError("not_routed_to_you", _("Only a network expert the request was routed to can answer it."))
    if not body.strip():
        raise DomainError("required", _("Write the message."), field="body")
    if find_identifiers(body):
        raise DomainError("identifiers_found", _("The message contains an identity code, phone number or e-mail "
                                                 "address. Remove them before sending."), field="body")
    types = validate_attachments(list(attachments))
    with transaction.atomic():
        locked = Consultation.objects.select_for_update().get(pk=consultation.pk)
        if locked.status == ConsultationStatus.CLOSED:
            raise DomainError("closed", _("The request is closed."))
        now = timezone.now()
        message = ConsultationMessage.objects.create(consultation=locked, author=actor, is_answer=not is_asker,
                                                     body=body.strip(), created_at=now)
        _store_attachments(message, attachments, types)
        if is_asker:
            experts = [r.user for r in locked.recipients.select_related("user").filter(reason__in=ANSWERING_REASONS)]
            notify(event="message", consultation=locked, users=experts)
        else:
            if locked.first_answered_at is None:
                locked.first_answered_at = now
            locked.status = ConsultationStatus.ANSWERED
            locked.save(update_fields=["first_answered_at", "status"])
            notify(event="answered", consultation=locked, users=[locked.asker])
    consultation.refresh_from_db()
    return message


def close_consultation(*, actor: User, consultation: Consultation, rating: int, comment: str = "") -> Consultation:
    """The asker closes an answered request and rates its usefulness from 1 to 5."""
    if actor.pk != consultation.asker_id:
        raise AccessDenied("not_asker", _("Only the person who asked can close the request."))
    if not isinstance(rating, int) or not 1 <= rating <= 5:
        raise DomainError("rating_range", _("Rate the usefulness from 1 to 5."), field="rating")
    with transaction.atomic():
        locked = Consultation.objects.select_for_update().get(pk=consultation.pk)
        if locked.status == ConsultationStatus.CLOSED:
            raise DomainError("closed", _("The request is already closed."))
        if locked.first_answered_at is None:
            raise DomainError("not_answered", _("A request can be rated once it has an answer."), field="rating")
        locked.status = ConsultationStatus.CLOSED
        locked.closed_at = timezone.now()
        locked.rating = rating
        locked.rating_comment = comment.strip()
        locked.save(update_fields=["status", "closed_at", "rating", "rating_comment"])
        answerers = User.objects.filter(pk__in=locked.messages.filter(is_answer=True).values("author_id"))
        notify(event="closed", consultation=locked, users=answerers)
    return locked
