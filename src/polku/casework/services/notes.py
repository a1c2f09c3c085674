"""Writes for client notes: drafts with optimistic locking, signing that locks, corrections as new versions."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from polku.casework.models import Client, Meeting, Note, NoteStatus, NoteTopic
from polku.core import access
from polku.core.errors import Conflict, DomainError
from polku.core.models import AccessAction, User

NOTE_SIGNED_MESSAGE = _("This note is signed and can no longer be edited. To change it, make a correction: "
                        "the correction is a new version, and the signed note stays in the history.")
NOTE_CONFLICT_MESSAGE = _("Someone else saved this note first. Your changes were not saved: compare them with "
                          "the saved version below and save again.")


def _clean_text(value: str, *, field: str, max_length: int | None = None) -> str:
    value = (value or "").strip()
    if max_length is not None and len(value) > max_length:
        raise DomainError("too_long", _("Write at most %(max)s characters.") % {"max": max_length}, field=field)
    return value


def validate_topics(topics: Sequence[str]) -> list[str]:
    """Topics are codes of NoteTopic, each once, in the list's order."""
    unknown = [topic for topic in topics if topic not in NoteTopic.values]
    if unknown:
        raise DomainError("invalid_topic", _("Choose the topics from the list."), field="topics",
                          params={"unknown": unknown})
    return [topic for topic in NoteTopic.values if topic in set(topics)]


def _note_fields(*, reason_for_contact: str, topics: Sequence[str], agreed_actions: str, next_step: str,
                 text: str) -> dict:
    fields = {
        "reason_for_contact": _clean_text(reason_for_contact, field="reason_for_contact", max_length=500),
        "topics": validate_topics(topics),
        "agreed_actions": _clean_text(agreed_actions, field="agreed_actions"),
        "next_step": _clean_text(next_step, field="next_step", max_length=500),
        "text": _clean_text(text, field="text"),
    }
    if not any(fields.values()):
        raise DomainError("note_empty", _("The note is empty. Write at least the reason for contact or the text."),
                          field="text")
    return fields


def _require_write(actor: User, client_id: int, *, object_id: int | str = "") -> None:
    access.require_client_access(actor=actor, client_id=client_id, action=AccessAction.WRITE,
                                 object_type="note", object_id=object_id)


def create_note(*, actor: User, client: Client, meeting: Meeting | None = None, reason_for_contact: str = "",
                topics: Sequence[str] = (), agreed_actions: str = "", next_step: str = "", text: str = "") -> Note:
    """Write a draft note for a client, optionally about one of the client's meetings (care team only)."""
    _require_write(actor, client.pk)
    if meeting is not None and meeting.client_id != client.pk:
        raise DomainError("meeting_of_other_client", _("Choose a meeting of this client."), field="meeting")
    fields = _note_fields(reason_for_contact=reason_for_contact, topics=topics, agreed_actions=agreed_actions,
                          next_step=next_step, text=text)
    with transaction.atomic():
        return Note.objects.create(client=client, meeting=meeting, author=actor, **fields)


def update_draft_note(*, actor: User, note: Note, expected_version: int, reason_for_contact: str = "",
                      topics: Sequence[str] = (), agreed_actions: str = "", next_step: str = "",
                      text: str = "") -> Note:
    """Save a draft if nobody saved it since `expected_version`; otherwise Conflict and nothing is overwritten."""
    _require_write(actor, note.client_id, object_id=note.pk)
    fields = _note_fields(reason_for_contact=reason_for_contact, topics=topics, agreed_actions=agreed_actions,
                          next_step=next_step, text=text)
    with transaction.atomic():
        # One UPDATE ... WHERE version = expected: of two saves with the same version exactly one matches.
        updated = Note.objects.filter(pk=note.pk, status=NoteStatus.DRAFT, version=expected_version).update(
            version=F("version") + 1, updated_at=timezone.now(), **fields)
        current = Note.objects.get(pk=note.pk)
    if not updated:
        _raise_why_not_saved(current, expected_version=expected_version)
    return current


def _raise_why_not_saved(current: Note, *, expected_version: int | None) -> None:
    if current.status == NoteStatus.SIGNED:
        raise DomainError("note_signed", NOTE_SIGNED_MESSAGE, params={"correct_note_id": current.pk})
    raise Conflict("note_conflict", NOTE_CONFLICT_MESSAGE,
                   params={"version": current.version, "expected_version": expected_version})


def sign_note(*, actor: User, note: Note, expected_version: int | None = None) -> Note:
    """Sign a draft (the version the signer read, when given); a signed note is locked against edits."""
    _require_write(actor, note.client_id, object_id=note.pk)
    now = timezone.now()
    matching = Note.objects.filter(pk=note.pk, status=NoteStatus.DRAFT)
    if expected_version is not None:
        matching = matching.filter(version=expected_version)
    with transaction.atomic():
        updated = matching.update(status=NoteStatus.SIGNED, signed_at=now, signed_by=actor,
                                  version=F("version") + 1, updated_at=now)
        current = Note.objects.get(pk=note.pk)
    if not updated:
        if current.status == NoteStatus.SIGNED:
            raise DomainError("note_already_signed", _("This note has already been signed."))
        _raise_why_not_saved(current, expected_version=expected_version)
    return current


def correct_note(*, actor: User, note: Note, reason: str, reason_for_contact: str = "", topics: Sequence[str] = (),
                 agreed_actions: str = "", next_step: str = "", text: str = "") -> Note:
    """Correct a signed note: a new draft version that points to it and states why; the signed one is kept."""
    _require_write(actor, note.client_id, object_id=note.pk)
    reason = _clean_text(reason, field="reason", max_length=500)
    if not reason:
        raise DomainError("correction_reason_required", _("State the reason for the correction."), field="reason")
    fields = _note_fields(reason_for_contact=reason_for_contact, topics=topics, agreed_actions=agreed_actions,
                          next_step=next_step, text=text)
    with transaction.atomic():
        original = Note.objects.select_for_update().get(pk=note.pk)
        if original.status != NoteStatus.SIGNED:
            raise DomainError("note_not_signed", _("A draft is edited, not corrected."))
        if Note.objects.filter(corrects=original).exists():
            raise DomainError("note_already_corrected",
                              _("This version has already been corrected. Correct the latest version instead."))
        return Note.objects.create(client_id=original.client_id, meeting_id=original.meeting_id, author=actor,
                                   corrects=original, correction_reason=reason, **fields)
