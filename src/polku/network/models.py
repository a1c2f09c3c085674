"""Consultation requests to the PALOMA expert network, the research network, and news to the network.

Consultations carry no client identity: the case is described anonymously (identity codes, phone numbers
and e-mail addresses are masked before sending), so they are not client data and write no path events.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from polku import config
from polku.core.models import Area, CollaborationArea
from polku.core.storage import AtomicFileSystemStorage
from polku.directory.models import Expert, Publication
from polku.directory.models.base import localised


class ExpertAccount(models.Model):
    """Links a directory expert to the Polku user who answers consultations as that expert."""

    expert = models.OneToOneField(Expert, on_delete=models.CASCADE, related_name="account")
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="expert_account")
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.expert} ({self.user})"


class ConsultationTopic(models.TextChoices):
    TRAUMA = "trauma", _("Trauma")
    TORTURE_SURVIVORS = "torture_survivors", _("Torture survivors")
    CHILDREN_FAMILIES = "children_families", _("Children and families")
    SUBSTANCE_USE = "substance_use", _("Substance use")
    PSYCHOSIS = "psychosis", _("Psychosis")
    INTERPRETER_MEDIATED = "interpreter_mediated", _("Interpreter-mediated work")
    CULTURAL = "cultural", _("Cultural issues")
    SERVICE_PATHS = "service_paths", _("Service paths")
    LEGAL_STATUS = "legal_status", _("Legal status")


class Urgency(models.TextChoices):
    URGENT = "urgent", _("Urgent (answer within 2 working days)")
    NORMAL = "normal", _("Normal (answer within 5 working days)")


class ConsultationStatus(models.TextChoices):
    OPEN = "open", _("Waiting for an answer")
    ANSWERED = "answered", _("Answered")
    CLOSED = "closed", _("Closed")


class RoutingLevel(models.TextChoices):
    AREA = "area", _("Collaboration area")
    NATIONAL = "national", _("National")


class Consultation(models.Model):
    """A professional's question to the network, routed to experts and answered within a working-day target."""

    asker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="consultations")
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("case description"))
    topics = models.JSONField(_("topics"), default=list)  # ConsultationTopic values
    urgency = models.CharField(_("urgency"), max_length=8, choices=Urgency.choices)
    collaboration_area = models.ForeignKey(CollaborationArea, on_delete=models.PROTECT, related_name="+",
                                           verbose_name=_("collaboration area"))
    area = models.ForeignKey(Area, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                             verbose_name=_("wellbeing services area"))
    languages = models.JSONField(_("languages"), default=list, blank=True)  # ISO 639 codes
    concerns_client = models.BooleanField(_("concerns a specific client"), default=False)
    masked = models.BooleanField(default=False)  # identifiers were found and masked before sending
    status = models.CharField(max_length=10, choices=ConsultationStatus.choices, default=ConsultationStatus.OPEN)
    level = models.CharField(max_length=10, choices=RoutingLevel.choices, default=RoutingLevel.AREA)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    due_at = models.DateTimeField()  # the end of the target working day at the current level
    escalated_at = models.DateTimeField(null=True, blank=True)
    first_answered_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    rating = models.PositiveSmallIntegerField(_("usefulness"), null=True, blank=True)
    rating_comment = models.TextField(_("comment"), blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "due_at"])]
        constraints = [
            models.CheckConstraint(condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5),
                                   name="consultation_rating_1_to_5"),
            models.CheckConstraint(condition=~Q(status=ConsultationStatus.CLOSED)
                                   | Q(closed_at__isnull=False, rating__isnull=False),
                                   name="consultation_closed_with_rating"),
            models.CheckConstraint(condition=~Q(level=RoutingLevel.NATIONAL) | Q(escalated_at__isnull=False),
                                   name="consultation_national_has_escalation_time"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def reference(self) -> str:
        return f"K-{self.pk:05d}"

    @property
    def topic_labels(self) -> list[str]:
        return [str(ConsultationTopic(t).label) for t in self.topics if t in ConsultationTopic.values]


class RecipientReason(models.TextChoices):
    AREA_ACTOR = "area_actor", _("Collaboration-area actor")
    MATCHING_EXPERT = "matching_expert", _("Expert on the topic in the area")
    AREA_COORDINATOR = "area_coordinator", _("Area coordinator")
    NATIONAL_COORDINATOR = "national_coordinator", _("National coordinator")
    NATIONAL_EXPERT = "national_expert", _("Expert on the topic nationally")
    MANUAL = "manual", _("Routed by a coordinator")


class ConsultationRecipient(models.Model):
    """Someone a consultation was routed to (an expert who may answer, or a coordinator who follows it)."""

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="recipients")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    level = models.CharField(max_length=10, choices=RoutingLevel.choices)
    reason = models.CharField(max_length=24, choices=RecipientReason.choices)
    routed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["routed_at", "id"]
        constraints = [models.UniqueConstraint(fields=["consultation", "user"], name="consultation_recipient_once")]


class ConsultationMessage(models.Model):
    """One message of the thread: an expert's answer or the asker's follow-up."""

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    is_answer = models.BooleanField(default=False)  # written by a routed expert, not by the asker
    body = models.TextField(_("message"))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]


class AttachmentStorage(AtomicFileSystemStorage):
    """Attachments live under the var directory, outside static and media: served only through the access check.

    The location is read from the settings on every use (not once at import), so a deployment or a test can
    move it with POLKU_NETWORK_ATTACHMENT_DIR.
    """

    @property
    def base_location(self) -> str:
        return str(getattr(settings, "POLKU_NETWORK_ATTACHMENT_DIR", None) or config.VAR_DIR / "network-attachments")

    @property
    def location(self) -> str:
        return os.path.abspath(self.base_location)

    @property
    def base_url(self) -> None:
        return None  # never served directly


def attachment_storage() -> AttachmentStorage:
    return AttachmentStorage()


def attachment_path(instance: ConsultationAttachment, filename: str) -> str:
    # A generated name: the uploader's file name is shown but never used as a path.
    return f"{timezone.now():%Y/%m}/{uuid.uuid4().hex}{Path(filename).suffix.lower()}"


class ConsultationAttachment(models.Model):
    message = models.ForeignKey(ConsultationMessage, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=attachment_path, storage=attachment_storage, max_length=200)
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()

    class Meta:
        ordering = ["id"]


class MembershipStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for approval")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class ResearchMembership(models.Model):
    """An application to the national research network; a member once a coordinator approves it."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="research_memberships")
    organisation_name = models.CharField(_("organisation"), max_length=200)
    research_interests = models.TextField(_("research interests"))
    collaboration_area = models.ForeignKey(CollaborationArea, on_delete=models.PROTECT, null=True, blank=True,
                                           related_name="+", verbose_name=_("collaboration area"))
    publications = models.ManyToManyField(Publication, blank=True, related_name="+",
                                          verbose_name=_("publications"))
    status = models.CharField(max_length=10, choices=MembershipStatus.choices, default=MembershipStatus.PENDING)
    applied_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")

    class Meta:
        ordering = ["-applied_at"]
        constraints = [
            # One open or accepted membership per person; a rejected applicant may apply again.
            models.UniqueConstraint(fields=["user"], condition=~Q(status=MembershipStatus.REJECTED),
                                    name="research_membership_one_active_per_user"),
            models.CheckConstraint(condition=Q(status=MembershipStatus.PENDING) | Q(decided_at__isnull=False),
                                   name="research_membership_decision_time"),
        ]


class ResearchCall(models.Model):
    """A call for research cooperation published to the research network."""

    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("description"))
    contact = models.CharField(_("contact"), max_length=200)
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    publications = models.ManyToManyField(Publication, blank=True, related_name="+",
                                          verbose_name=_("related publications"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]


class NewsItem(models.Model):
    """An announcement to the network, national (no area) or for one collaboration area, in fi/sv/en."""

    collaboration_area = models.ForeignKey(CollaborationArea, on_delete=models.PROTECT, null=True, blank=True,
                                           related_name="+", verbose_name=_("collaboration area"))
    title_fi = models.CharField(_("title in Finnish"), max_length=200)
    title_sv = models.CharField(_("title in Swedish"), max_length=200, blank=True)
    title_en = models.CharField(_("title in English"), max_length=200, blank=True)
    body_fi = models.TextField(_("text in Finnish"))
    body_sv = models.TextField(_("text in Swedish"), blank=True)
    body_en = models.TextField(_("text in English"), blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    published_at = models.DateTimeField(default=timezone.now, db_index=True)
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)  # the Atom entry id

    class Meta:
        ordering = ["-published_at", "-id"]
        constraints = [models.CheckConstraint(condition=~Q(title_fi="") & ~Q(body_fi=""),
                                              name="news_finnish_text_required")]

    @property
    def title(self) -> str:
        return localised(self, "title")

    @property
    def body(self) -> str:
        return localised(self, "body")

    def __str__(self) -> str:
        return self.title
