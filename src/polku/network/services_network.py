"""Writes of the research network, news, and the user's notifications and language."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from polku.core.errors import AccessDenied, DomainError
from polku.core.models import CollaborationArea, User
from polku.core.roles import CoordinatorScope
from polku.directory.models import Publication
from polku.interpreting.models import OutboxMessage
from polku.network.models import MembershipStatus, NewsItem, ResearchCall, ResearchMembership


def _require(actor: User, permission: str, message) -> None:
    if not actor.is_active or not actor.has_perm(f"core.{permission}"):
        raise AccessDenied("not_permitted", message)


def apply_for_research_membership(*, actor: User, organisation_name: str, research_interests: str,
                                  collaboration_area: CollaborationArea | None = None,
                                  publications: Sequence[Publication] = ()) -> ResearchMembership:
    """Apply to the research network; one pending or approved membership per person."""
    if not actor.is_active or not actor.is_authenticated:
        raise AccessDenied("not_permitted", _("Log in to apply."))
    if not organisation_name.strip():
        raise DomainError("required", _("Give the name of your organisation."), field="organisation_name")
    if not research_interests.strip():
        raise DomainError("required", _("Describe your research interests."), field="research_interests")
    try:
        with transaction.atomic():
            membership = ResearchMembership.objects.create(
                user=actor, organisation_name=organisation_name.strip(), research_interests=research_interests.strip(),
                collaboration_area=collaboration_area)
            membership.publications.set(publications)
    except IntegrityError:
        raise DomainError("already_applied", _("You have already applied or are a member.")) from None
    return membership


def decide_research_membership(*, actor: User, membership: ResearchMembership, approve: bool) -> ResearchMembership:
    """A coordinator approves or rejects a pending application."""
    _require(actor, "coordinate_network", _("Only network coordinators decide on applications."))
    with transaction.atomic():
        locked = ResearchMembership.objects.select_for_update().get(pk=membership.pk)
        if locked.status != MembershipStatus.PENDING:
            raise DomainError("already_decided", _("The application has already been decided."))
        locked.status = MembershipStatus.APPROVED if approve else MembershipStatus.REJECTED
        locked.decided_at = timezone.now()
        locked.decided_by = actor
        locked.save(update_fields=["status", "decided_at", "decided_by"])
    return locked


def may_publish_research_call(user: User) -> bool:
    """Coordinators and approved research-network members publish calls."""
    return user.has_perm("core.coordinate_network") or ResearchMembership.objects.filter(
        user=user, status=MembershipStatus.APPROVED).exists()


def publish_research_call(*, actor: User, title: str, body: str, contact: str, deadline: date | None = None,
                          publications: Sequence[Publication] = ()) -> ResearchCall:
    """A call for research cooperation, by a coordinator or an approved research-network member."""
    if not may_publish_research_call(actor):
        raise AccessDenied("not_permitted", _("Only research-network members and coordinators publish calls."))
    for value, field, message in ((title, "title", _("Give the call a title.")),
                                  (body, "body", _("Describe the cooperation you are looking for.")),
                                  (contact, "contact", _("Give a contact."))):
        if not value.strip():
            raise DomainError("required", message, field=field)
    if deadline and deadline < timezone.localdate():
        raise DomainError("deadline_past", _("The deadline cannot be in the past."), field="deadline")
    with transaction.atomic():
        call = ResearchCall.objects.create(title=title.strip(), body=body.strip(), contact=contact.strip(),
                                           deadline=deadline, author=actor)
        call.publications.set(publications)
    return call


def publish_news(*, actor: User, collaboration_area: CollaborationArea | None, title_fi: str, body_fi: str,
                 title_sv: str = "", body_sv: str = "", title_en: str = "", body_en: str = "") -> NewsItem:
    """News to the network: national, or for one collaboration area (an area coordinator only for their own)."""
    _require(actor, "coordinate_network", _("Only network coordinators publish news."))
    if actor.coordinator_scope == CoordinatorScope.AREA and (
            collaboration_area is None or collaboration_area.pk != actor.coordinator_area_id):
        raise DomainError("outside_scope", _("An area coordinator publishes news only for their own collaboration "
                                             "area."), field="collaboration_area")
    if not title_fi.strip():
        raise DomainError("required", _("Give the title in Finnish."), field="title_fi")
    if not body_fi.strip():
        raise DomainError("required", _("Write the text in Finnish."), field="body_fi")
    for title, body, field in ((title_sv, body_sv, "title_sv"), (title_en, body_en, "title_en")):
        if bool(title.strip()) != bool(body.strip()):
            raise DomainError("translation_incomplete", _("Give both the title and the text of a translation, or "
                                                          "neither."), field=field)
    return NewsItem.objects.create(collaboration_area=collaboration_area, author=actor, title_fi=title_fi.strip(),
                                   body_fi=body_fi.strip(), title_sv=title_sv.strip(), body_sv=body_sv.strip(),
                                   title_en=title_en.strip(), body_en=body_en.strip())


def mark_notifications_read(*, actor: User, message_ids: Sequence[int] | None = None) -> int:
    """Mark the actor's own notifications read (all unread ones when no ids are given)."""
    rows = OutboxMessage.objects.filter(recipient_user=actor, read_at__isnull=True)
    if message_ids is not None:
        rows = rows.filter(pk__in=list(message_ids))
    return rows.update(read_at=timezone.now())


def set_preferred_language(*, actor: User, language: str) -> User:
    """The language of the user's notifications (and of the interface after the next login)."""
    if language not in dict(settings.LANGUAGES):
        raise DomainError("unknown_language", _("Choose Finnish, Swedish or English."), field="language")
    User.objects.filter(pk=actor.pk).update(preferred_language=language)
    actor.preferred_language = language
    return actor
