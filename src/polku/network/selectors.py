"""Reads of the network app: who sees which consultation, the lists, the thread, workload and statistics.

A consultation is seen by its asker, by those it was routed to, and by coordinators (a national coordinator
sees all, an area coordinator those of their collaboration area). Aggregates suppress counts under 5.
"""

from __future__ import annotations

import statistics
from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from django.core.paginator import Page, Paginator
from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from polku.core.errors import AccessDenied
from polku.core.models import CollaborationArea, User
from polku.core.roles import CoordinatorScope
from polku.interpreting.models import OutboxMessage
from polku.network.models import (
    Consultation,
    ConsultationAttachment,
    ConsultationRecipient,
    ConsultationStatus,
    ConsultationTopic,
    ExpertAccount,
    MembershipStatus,
    NewsItem,
    ResearchCall,
    ResearchMembership,
)

PER_PAGE = 25
SMALL_NUMBER = 5


def coordinates_one_area(viewer: User) -> bool:
    """A coordinator scoped to one collaboration area; any other coordinator sees every area."""
    return viewer.coordinator_scope == CoordinatorScope.AREA and bool(viewer.coordinator_area_id)


def _coordinator_filter(viewer: User) -> Q | None:
    if not viewer.has_perm("core.coordinate_network"):
        return None
    if coordinates_one_area(viewer):
        return Q(collaboration_area_id=viewer.coordinator_area_id)
    return Q(pk__isnull=False)  # all (an empty Q() would vanish from an OR)


def visible_consultations(*, viewer: User) -> QuerySet[Consultation]:
    """Every consultation the viewer may open."""
    routed = ConsultationRecipient.objects.filter(consultation=OuterRef("pk"), user=viewer)
    condition = Q(asker=viewer) | Q(Exists(routed))
    coordinator = _coordinator_filter(viewer)
    if coordinator is not None:
        condition |= coordinator
    return Consultation.objects.filter(condition)


def can_view_consultation(*, viewer: User, consultation: Consultation) -> bool:
    return visible_consultations(viewer=viewer).filter(pk=consultation.pk).exists()


def get_consultation(*, viewer: User, consultation_id: int) -> Consultation:
    """The consultation if the viewer may see it; otherwise AccessDenied (a 404 in the views)."""
    consultation = (visible_consultations(viewer=viewer).select_related("asker__organisation", "collaboration_area",
                                                                        "area")
                    .filter(pk=consultation_id).first())
    if consultation is None:
        raise AccessDenied("not_visible", _("The request was not found."))
    return consultation


def get_thread(*, consultation: Consultation) -> list:
    """The messages with their authors and attachments, oldest first (the caller has checked visibility)."""
    return list(consultation.messages.select_related("author").prefetch_related("attachments"))


def list_recipients(*, consultation: Consultation) -> QuerySet[ConsultationRecipient]:
    return consultation.recipients.select_related("user__expert_account__expert")


def get_attachment(*, viewer: User, consultation_id: int, attachment_id: int) -> ConsultationAttachment:
    consultation = get_consultation(viewer=viewer, consultation_id=consultation_id)
    attachment = ConsultationAttachment.objects.filter(pk=attachment_id, message__consultation=consultation).first()
    if attachment is None:
        raise AccessDenied("not_visible", _("The file was not found."))
    return attachment


def _page(queryset, page) -> Page:
    return Paginator(queryset, PER_PAGE).get_page(page)


def list_asked(*, viewer: User, page=1) -> Page:
    """The viewer's own requests, newest first."""
    return _page(Consultation.objects.filter(asker=viewer).select_related("collaboration_area"), page)


def list_routed_to_me(*, viewer: User, page=1) -> Page:
    """Requests routed to the viewer, open ones (soonest due) first."""
    rows = (Consultation.objects.filter(recipients__user=viewer).select_related("collaboration_area")
            .annotate(is_closed=ExpressionWrapper(Q(status=ConsultationStatus.CLOSED), output_field=BooleanField()))
            .order_by("is_closed", "due_at"))
    return _page(rows, page)


def list_for_coordinator(*, viewer: User, page=1) -> Page | None:
    """Open requests in the coordinator's scope (None for others)."""
    condition = _coordinator_filter(viewer)
    if condition is None:
        return None
    rows = (Consultation.objects.filter(condition).exclude(status=ConsultationStatus.CLOSED)
            .select_related("collaboration_area").order_by("due_at"))
    return _page(rows, page)


def list_expert_choices(*, consultation: Consultation) -> list[ExpertAccount]:
    """Linked experts a coordinator can route the request to (not yet routed, not the asker)."""
    routed = consultation.recipients.values("user_id")
    return list(ExpertAccount.objects.filter(user__is_active=True).exclude(user_id__in=routed)
                .exclude(user_id=consultation.asker_id).select_related("expert", "user").order_by("expert__name"))


def list_notifications(*, viewer: User, page=1) -> Page:
    """The viewer's in-app notifications, unread first, newest first."""
    rows = (OutboxMessage.objects.filter(recipient_user=viewer)
            .annotate(is_read=ExpressionWrapper(Q(read_at__isnull=False), output_field=BooleanField()))
            .order_by("is_read", "-created_at", "-id"))
    return _page(rows, page)


def count_unread(*, viewer: User) -> int:
    return OutboxMessage.objects.filter(recipient_user=viewer, read_at__isnull=True).count()


# --- workload and statistics ------------------------------------------------------------------------

def suppress(count: int) -> str:
    """A count for an aggregate that leaves the team: fewer than 5 is shown as "<5"."""
    return "<5" if 0 < count < SMALL_NUMBER else str(count)


@dataclass(frozen=True)
class ExpertLoad:
    name: str
    open_requests: int
    answered: int


def list_expert_workload(*, viewer: User) -> list[ExpertLoad]:
    """Per linked expert: open requests routed to them and requests they answered (coordinators only)."""
    if not viewer.has_perm("core.coordinate_network"):
        raise AccessDenied("not_permitted", _("Only network coordinators see the experts' workload."))
    accounts = ExpertAccount.objects.select_related("expert")
    rows = []
    for account in accounts.order_by("expert__name"):
        routed = Consultation.objects.filter(recipients__user_id=account.user_id)
        rows.append(ExpertLoad(
            name=account.expert.name,
            open_requests=routed.exclude(status=ConsultationStatus.CLOSED).filter(first_answered_at__isnull=True)
            .count(),
            answered=routed.filter(messages__author_id=account.user_id, messages__is_answer=True).distinct().count()))
    return rows


@dataclass(frozen=True)
class AreaStatistics:
    area: str
    requests: str
    answered: str
    median_hours: str
    escalated: str
    topics: list[tuple[str, str]]
    mean_rating: str


def _hours(start: datetime, end: datetime) -> float:
    return (end - start).total_seconds() / 3600


def list_area_statistics(*, viewer: User, since: datetime | None = None) -> list[AreaStatistics]:
    """Per collaboration area: requests, answered, median hours to the first answer, escalations, topics, rating.

    Every count under 5 is shown as "<5", and a median or mean over fewer than 5 requests is not shown.
    """
    if not (viewer.has_perm("core.view_aggregate_reports") or viewer.has_perm("core.coordinate_network")):
        raise AccessDenied("not_permitted", _("Your role does not include aggregated reports."))
    consultations = Consultation.objects.all()
    if since:
        consultations = consultations.filter(created_at__gte=since)
    by_area: dict[int, list[Consultation]] = {}
    for consultation in consultations.only("collaboration_area_id", "created_at", "first_answered_at", "topics",
                                           "escalated_at", "rating"):
        by_area.setdefault(consultation.collaboration_area_id, []).append(consultation)
    rows = []
    for area in CollaborationArea.objects.order_by("code"):
        items = by_area.get(area.pk, [])
        answered = [c for c in items if c.first_answered_at]
        hours = [_hours(c.created_at, c.first_answered_at) for c in answered]
        ratings = [c.rating for c in items if c.rating]
        topics = Counter(topic for c in items for topic in c.topics)
        rows.append(AreaStatistics(
            area=area.name, requests=suppress(len(items)), answered=suppress(len(answered)),
            median_hours=f"{statistics.median(hours):.1f}" if len(hours) >= SMALL_NUMBER else "–",
            escalated=suppress(sum(1 for c in items if c.escalated_at)),
            topics=[(str(ConsultationTopic(t).label), suppress(n)) for t, n in topics.most_common()
                    if t in ConsultationTopic.values],
            mean_rating=f"{statistics.mean(ratings):.1f}" if len(ratings) >= SMALL_NUMBER else "–"))
    return rows


# --- research network and news --------------------------------------------------------------------

def list_research_members(*, page=1) -> Page:
    rows = (ResearchMembership.objects.filter(status=MembershipStatus.APPROVED)
            .select_related("user", "collaboration_area").prefetch_related("publications")
            .order_by("user__last_name", "user__first_name"))
    return _page(rows, page)


def list_pending_applications(*, viewer: User) -> QuerySet[ResearchMembership]:
    if not viewer.has_perm("core.coordinate_network"):
        raise AccessDenied("not_permitted", _("Only network coordinators decide on applications."))
    return (ResearchMembership.objects.filter(status=MembershipStatus.PENDING)
            .select_related("user", "collaboration_area").prefetch_related("publications").order_by("applied_at"))


def get_own_membership(*, viewer: User) -> ResearchMembership | None:
    return (ResearchMembership.objects.filter(user=viewer).exclude(status=MembershipStatus.REJECTED).first()
            or ResearchMembership.objects.filter(user=viewer).first())


def list_research_calls(*, page=1) -> Page:
    return _page(ResearchCall.objects.select_related("author").prefetch_related("publications"), page)


def list_news(*, collaboration_area: CollaborationArea | None = None, national_only: bool = False,
              page=1) -> Page:
    return _page(news_queryset(collaboration_area=collaboration_area, national_only=national_only), page)


def news_queryset(*, collaboration_area: CollaborationArea | None = None,
                  national_only: bool = False) -> QuerySet[NewsItem]:
    """National news, plus an area's own when an area is given (the area's feed carries both)."""
    rows = NewsItem.objects.select_related("collaboration_area", "author")
    if national_only:
        return rows.filter(collaboration_area__isnull=True)
    if collaboration_area is not None:
        return rows.filter(Q(collaboration_area__isnull=True) | Q(collaboration_area=collaboration_area))
    return rows
