"""Reads of client notes: the current version of each note with its history of corrections."""

from __future__ import annotations

from dataclasses import dataclass, field

from polku.casework.models import Client, Note
from polku.core import access
from polku.core.errors import AccessDenied
from polku.core.models import AccessAction, User


@dataclass(frozen=True)
class NoteThread:
    """The latest version of a note and the versions it corrects, newest first."""

    current: Note
    earlier: list[Note] = field(default_factory=list)


def _threads(notes: list[Note]) -> list[NoteThread]:
    by_id = {note.pk: note for note in notes}
    corrected = {note.corrects_id for note in notes if note.corrects_id}
    threads = []
    for note in notes:
        if note.pk in corrected:
            continue
        earlier, previous = [], by_id.get(note.corrects_id)
        while previous is not None:
            earlier.append(previous)
            previous = by_id.get(previous.corrects_id)
        threads.append(NoteThread(current=note, earlier=earlier))
    return threads


def list_client_notes(*, viewer: User, client: Client) -> list[Note]:
    """Every note version of the client, newest first (client already access-checked)."""
    return list(Note.objects.filter(client=client).select_related("author", "signed_by", "meeting")
                .order_by("-created_at", "-id"))


def list_note_threads(*, viewer: User, client: Client, notes: list[Note] | None = None) -> list[NoteThread]:
    """Every note of the client as a thread of versions, newest thread first (client already access-checked);
    `notes`: list_client_notes's answer when the caller has it already."""
    return _threads(list_client_notes(viewer=viewer, client=client) if notes is None else notes)


def get_note(*, viewer: User, client_id: int, note_id: int, action: AccessAction = AccessAction.READ) -> Note:
    """One note version of a client, through the access core (logged either way)."""
    access.require_client_access(actor=viewer, client_id=client_id, action=action, object_type="note",
                                 object_id=note_id)
    note = (Note.objects.select_related("author", "signed_by", "meeting", "corrects")
            .filter(pk=note_id, client_id=client_id).first())
    if note is None:
        raise AccessDenied("note_not_found", "No such note.")
    return note


def get_note_thread(*, viewer: User, note: Note) -> NoteThread:
    """The thread a note version belongs to (the note is already access-checked)."""
    notes = list(Note.objects.filter(client_id=note.client_id).select_related("author", "signed_by")
                 .order_by("-created_at", "-id"))
    for thread in _threads(notes):
        if thread.current.pk == note.pk or any(version.pk == note.pk for version in thread.earlier):
            return thread
    return NoteThread(current=note)
