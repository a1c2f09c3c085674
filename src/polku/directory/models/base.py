"""Shared parts of directory entries: HSDS identifiers, per-language texts, verification, change history."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

# The City of Helsinki convention (smbackend, Linked Events): one column per language, Finnish first.
TEXT_LANGUAGES = ("fi", "sv", "en")


def localised(obj, field: str, language: str | None = None) -> str:
    """The field in the UI language, falling back to Finnish, then English, then Swedish."""
    language = (language or get_language() or "fi")[:2]
    order = [language] + [code for code in ("fi", "en", "sv") if code != language]
    for code in order:
        value = getattr(obj, f"{field}_{code}", "")
        if value:
            return value
    return ""


class DirectoryEntry(models.Model):
    """An entry with a stable HSDS identifier (uuid), a last-verified date and a demo flag."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    last_verified = models.DateField(_("last verified"), null=True, blank=True)
    # Simulated entries are labelled in every view so nobody mistakes them for real services.
    is_demo = models.BooleanField(_("simulated demo entry"), default=False)

    class Meta:
        abstract = True


class ChangeAction(models.TextChoices):
    CREATE = "create", _("created")
    UPDATE = "update", _("changed")
    VERIFY = "verify", _("verified")
    DELETE = "delete", _("deleted")


class ChangeRecord(models.Model):
    """One field change of a directory entry, in the shape of HSDS 3.0 `metadata` (who, when, what).

    Written only by the curation services; restored unchanged by an HSDS import so that an export of
    the imported directory equals the original export.
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    resource_type = models.CharField(max_length=40)
    resource_uuid = models.UUIDField(db_index=True)
    at = models.DateTimeField(default=timezone.now)
    action = models.CharField(max_length=12, choices=ChangeAction.choices)
    field_name = models.CharField(max_length=80, blank=True)
    previous_value = models.TextField(blank=True)
    replacement_value = models.TextField(blank=True)
    updated_by = models.CharField(max_length=150)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                              related_name="+")

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["resource_type", "resource_uuid", "at"])]
