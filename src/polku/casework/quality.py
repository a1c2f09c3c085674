"""Documentation-quality rules (PPMM's evaluation: monitor documentation quality from the start).

Rules, each an item on the worker's to-do list until it is fixed:
* every held meeting has a signed note within 3 working days of the meeting (Finnish holidays excluded);
* a held meeting of a client who needs an interpreter records that an interpreter was used;
* every current note version records the reason for contact and the next step;
* a draft note is signed within the same 3 working days.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from polku.casework.models import Client, Meeting, MeetingOutcome, Note, NoteStatus
from polku.casework.selectors import visible_clients
from polku.casework.workdays import add_working_days, latest_start_past_deadline
from polku.core import access
from polku.core.models import User

NOTE_DEADLINE_WORKING_DAYS = 3

NOTE_MISSING = "note_missing"
NOTE_NOT_SIGNED = "note_not_signed"
INTERPRETER_NOT_RECORDED = "interpreter_not_recorded"
REASON_MISSING = "reason_for_contact_missing"
NEXT_STEP_MISSING = "next_step_missing"
DRAFT_NOT_SIGNED = "draft_not_signed"

MESSAGES = {
    NOTE_MISSING: _("The meeting has no note."),
    NOTE_NOT_SIGNED: _("The meeting's note has not been signed."),
    INTERPRETER_NOT_RECORDED: _("Interpreter use not recorded for a client who needs an interpreter."),
    REASON_MISSING: _("The note does not record the reason for contact."),
    NEXT_STEP_MISSING: _("The note does not record the next step."),
    DRAFT_NOT_SIGNED: _("The draft note has not been signed."),
}


@dataclass(frozen=True)
class QualityItem:
    """One documentation gap: what is missing, where, by when, and whether the deadline has passed."""

    code: str
    message: str | Promise
    client_id: int
    meeting_id: int | None
    note_id: int | None
    due_date: date
    overdue: bool


@dataclass(frozen=True)
class ClientQuality:
    client: Client
    items: list[QualityItem]


def note_deadline(meeting_day: date) -> date:
    """The last day a held meeting's note may be signed: 3 working days after the meeting."""
    return add_working_days(meeting_day, NOTE_DEADLINE_WORKING_DAYS)


def _item(code: str, *, client_id: int, due: date, today: date, meeting_id: int | None = None,
          note_id: int | None = None) -> QualityItem:
    # The lazy message renders in the language of whoever reads it, not of whoever computed the item.
    return QualityItem(code=code, message=MESSAGES[code], client_id=client_id, meeting_id=meeting_id,
                       note_id=note_id, due_date=due, overdue=today > due)


def _items(client: Client, meetings: Iterable[Meeting], notes: list[Note], today: date) -> list[QualityItem]:
    """The rules over one client's held meetings and notes (already loaded)."""
    items: list[QualityItem] = []
    corrected = {note.corrects_id for note in notes if note.corrects_id}
    current_notes = [note for note in notes if note.pk not in corrected]
    notes_of_meeting: dict[int, list[Note]] = defaultdict(list)
    for note in notes:
        if note.meeting_id:
            notes_of_meeting[note.meeting_id].append(note)
    due_of_meeting: dict[int, date] = {}
    covered_drafts: set[int] = set()
    for meeting in meetings:
        due = due_of_meeting[meeting.pk] = note_deadline(timezone.localdate(meeting.starts_at))
        linked = notes_of_meeting.get(meeting.pk, [])
        if not any(note.status == NoteStatus.SIGNED for note in linked):
            drafts = sorted((note for note in linked if note.status == NoteStatus.DRAFT), key=lambda n: n.pk)
            covered_drafts.update(note.pk for note in drafts)
            items.append(_item(NOTE_NOT_SIGNED if drafts else NOTE_MISSING, client_id=client.pk, due=due,
                               today=today, meeting_id=meeting.pk, note_id=drafts[-1].pk if drafts else None))
        if client.interpreter_needed and not meeting.interpreter_used:
            items.append(_item(INTERPRETER_NOT_RECORDED, client_id=client.pk, due=due, today=today,
                               meeting_id=meeting.pk))
    for note in current_notes:
        due = due_of_meeting.get(note.meeting_id) or note_deadline(timezone.localdate(note.created_at))
        where = {"client_id": client.pk, "due": due, "today": today, "meeting_id": note.meeting_id,
                 "note_id": note.pk}
        if not note.reason_for_contact:
            items.append(_item(REASON_MISSING, **where))
        if not note.next_step:
            items.append(_item(NEXT_STEP_MISSING, **where))
        if note.status == NoteStatus.DRAFT and note.pk not in covered_drafts:
            items.append(_item(DRAFT_NOT_SIGNED, **where))
    return sorted(items, key=lambda item: (not item.overdue, item.due_date, item.code))


def _held_meetings(client_ids: Iterable[int]) -> QuerySet[Meeting]:
    return Meeting.objects.filter(client_id__in=client_ids, outcome=MeetingOutcome.HELD).order_by("starts_at", "pk")


def quality_items_for_client(*, client: Client, today: date, notes: Iterable[Note] | None = None) -> list[QualityItem]:
    """Documentation gaps of one client (the caller has already access-checked the client); `notes`: all of the
    client's note versions when the caller has read them already (the client page has, for its notes section)."""
    if notes is None:
        notes = Note.objects.filter(client=client)
    return _items(client, _held_meetings([client.pk]), sorted(notes, key=lambda n: (n.created_at, n.pk)), today)


def todo_for_worker(*, viewer: User, today: date) -> list[ClientQuality]:
    """The viewer's to-do list: documentation gaps of their care-team clients, most urgent first; logs the read."""
    clients = {client.pk: client for client in visible_clients(viewer=viewer)}
    meetings: dict[int, list[Meeting]] = defaultdict(list)
    notes: dict[int, list[Note]] = defaultdict(list)
    for meeting in _held_meetings(clients):
        meetings[meeting.client_id].append(meeting)
    for note in Note.objects.filter(client_id__in=clients).order_by("created_at", "pk"):
        notes[note.client_id].append(note)
    todo = []
    for client_id, client in clients.items():
        items = _items(client, meetings[client_id], notes[client_id], today)
        if items:
            todo.append(ClientQuality(client=client, items=items))
    todo.sort(key=lambda entry: (not entry.items[0].overdue, entry.items[0].due_date, entry.client.pk))
    if todo:
        access.log_list_read(actor=viewer, client_ids=[entry.client.pk for entry in todo],
                             object_type="quality_todo")
    return todo


def filter_clients_with_overdue_notes(clients: QuerySet[Client], *, today: date) -> QuerySet[Client]:
    """Clients with a held meeting that has no signed note within 3 working days."""
    last_overdue_day = latest_start_past_deadline(today, NOTE_DEADLINE_WORKING_DAYS)
    # Meetings are dated in Finnish local time: the boundary is local midnight after the last overdue day.
    cutoff = timezone.make_aware(datetime.combine(last_overdue_day + timedelta(days=1), time.min))
    signed_note = Note.objects.filter(meeting=OuterRef("pk"), status=NoteStatus.SIGNED)
    overdue = Meeting.objects.filter(client=OuterRef("pk"), outcome=MeetingOutcome.HELD,
                                     starts_at__lt=cutoff).filter(~Exists(signed_note))
    return clients.filter(Exists(overdue))
