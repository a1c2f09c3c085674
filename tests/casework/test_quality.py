"""Documentation-quality rules: the 3-working-day note deadline around Finnish holidays, and the to-do list."""

from datetime import date, datetime, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from polku.casework.models import Client, Meeting
from polku.casework.quality import (
    DRAFT_NOT_SIGNED,
    INTERPRETER_NOT_RECORDED,
    NEXT_STEP_MISSING,
    NOTE_MISSING,
    NOTE_NOT_SIGNED,
    REASON_MISSING,
    filter_clients_with_overdue_notes,
    quality_items_for_client,
    todo_for_worker,
)
from polku.casework.services.notes import correct_note, create_note, sign_note
from polku.core.models import AccessLog
from tests.factories import add_to_care_team, make_client

pytestmark = pytest.mark.django_db


def at(*args) -> datetime:
    return timezone.make_aware(datetime(*args))


@pytest.fixture
def new_client(organisation, team_lead, nurse):
    def make(**fields):
        record = make_client(organisation=organisation, created_by=team_lead, **fields)
        add_to_care_team(client=record, worker=nurse, assigned_by=team_lead, role="nurse")
        return record
    return make


def meeting(client, starts_at, *, outcome="held", interpreter_used=False, created_by=None):
    return Meeting.objects.create(
        client=client, starts_at=starts_at, place="office", outcome=outcome,
        actual_minutes=60 if outcome == "held" else None, interpreter_used=interpreter_used,
        interpreter_language="ar" if interpreter_used else "", created_by=created_by or client.created_by)


def note(actor, client, *, meeting=None, signed=False, when=None, **fields):
    values = {"reason_for_contact": "Sleep", "next_step": "Meet again", "text": "Talked."}
    values.update(fields)
    with time_machine.travel(when or timezone.now(), tick=False):
        created = create_note(actor=actor, client=client, meeting=meeting, **values)
        return sign_note(actor=actor, note=created) if signed else created


def codes(items):
    return [(item.code, item.due_date, item.overdue) for item in items]


@pytest.mark.parametrize(("starts_at", "due", "last_day_in_time"), [
    (at(2026, 12, 3, 10, 0), date(2026, 12, 8), date(2026, 12, 8)),    # Independence Day is a Sunday
    (at(2026, 12, 22, 10, 0), date(2026, 12, 29), date(2026, 12, 29)),  # 24.–26.12. skipped
    (at(2027, 3, 24, 10, 0), date(2027, 3, 31), date(2027, 3, 31)),    # Good Friday, Easter Monday skipped
])
def test_a_held_meeting_without_a_note_is_due_three_working_days_later(new_client, starts_at, due,
                                                                       last_day_in_time):
    client = new_client()
    held = meeting(client, starts_at)
    items = quality_items_for_client(client=client, today=last_day_in_time)
    assert codes(items) == [(NOTE_MISSING, due, False)]
    assert (items[0].meeting_id, items[0].note_id, items[0].client_id) == (held.pk, None, client.pk)
    after = quality_items_for_client(client=client, today=last_day_in_time + timedelta(days=1))
    assert codes(after) == [(NOTE_MISSING, due, True)]


def test_a_draft_note_for_the_meeting_is_an_unsigned_note_and_a_signed_one_clears_the_item(new_client, nurse):
    client = new_client()
    held = meeting(client, at(2026, 12, 22, 10, 0))
    draft = note(nurse, client, meeting=held, when=at(2026, 12, 22, 12, 0))
    items = quality_items_for_client(client=client, today=date(2026, 12, 30))
    assert codes(items) == [(NOTE_NOT_SIGNED, date(2026, 12, 29), True)]
    assert items[0].note_id == draft.pk
    sign_note(actor=nurse, note=draft)
    assert quality_items_for_client(client=client, today=date(2026, 12, 30)) == []


def test_meetings_that_did_not_take_place_need_no_note(new_client):
    client = new_client()
    for outcome in ("client_no_show", "cancelled_client", "cancelled_worker", "interpreter_no_show", "planned"):
        meeting(client, at(2026, 3, 2, 10, 0), outcome=outcome)
    assert quality_items_for_client(client=client, today=date(2026, 4, 1)) == []


def test_a_held_meeting_of_a_client_who_needs_an_interpreter_must_record_interpreter_use(new_client, nurse):
    needs = new_client(interpreter_needed=True, interpreter_language="ar")
    without = meeting(needs, at(2026, 3, 2, 10, 0))
    with_interpreter = meeting(needs, at(2026, 3, 3, 10, 0), interpreter_used=True)
    for held in (without, with_interpreter):
        note(nurse, needs, meeting=held, signed=True, when=at(2026, 3, 3, 12, 0))
    items = quality_items_for_client(client=needs, today=date(2026, 3, 4))
    assert codes(items) == [(INTERPRETER_NOT_RECORDED, date(2026, 3, 5), False)]
    assert items[0].meeting_id == without.pk
    no_need = new_client()
    meeting(no_need, at(2026, 3, 2, 10, 0))
    assert [item.code for item in quality_items_for_client(client=no_need, today=date(2026, 3, 4))] == [NOTE_MISSING]


def test_a_note_without_reason_for_contact_or_next_step_is_flagged_until_a_correction_adds_them(new_client, nurse):
    client = new_client()
    held = meeting(client, at(2026, 3, 2, 10, 0))
    signed = note(nurse, client, meeting=held, signed=True, reason_for_contact="", next_step="",
                  when=at(2026, 3, 2, 15, 0))
    items = quality_items_for_client(client=client, today=date(2026, 3, 6))
    assert codes(items) == [(NEXT_STEP_MISSING, date(2026, 3, 5), True), (REASON_MISSING, date(2026, 3, 5), True)]
    assert {item.note_id for item in items} == {signed.pk}
    with time_machine.travel(at(2026, 3, 6, 9, 0), tick=False):
        correction = correct_note(actor=nurse, note=signed, reason="Reason and next step were missing",
                                  reason_for_contact="Sleep", next_step="Meet again", text="Talked.")
    assert codes(quality_items_for_client(client=client, today=date(2026, 3, 6))) == [
        (DRAFT_NOT_SIGNED, date(2026, 3, 5), True)]
    sign_note(actor=nurse, note=correction)
    assert quality_items_for_client(client=client, today=date(2026, 3, 6)) == []


def test_a_draft_note_not_about_a_meeting_is_due_three_working_days_after_it_was_written(new_client, nurse):
    client = new_client()
    draft = note(nurse, client, when=at(2026, 12, 23, 9, 0))
    assert codes(quality_items_for_client(client=client, today=date(2026, 12, 30))) == [
        (DRAFT_NOT_SIGNED, date(2026, 12, 30), False)]
    assert quality_items_for_client(client=client, today=date(2026, 12, 31))[0].note_id == draft.pk


def test_filter_clients_with_overdue_notes_finds_exactly_the_clients_past_the_deadline(new_client, nurse):
    overdue = new_client(family_name_latin="Overdue")
    signed = new_client(family_name_latin="Signed")
    in_time = new_client(family_name_latin="InTime")
    no_show = new_client(family_name_latin="NoShow")
    only_draft = new_client(family_name_latin="OnlyDraft")
    late_evening = new_client(family_name_latin="LateEvening")
    after_midnight = new_client(family_name_latin="AfterMidnight")
    meeting(overdue, at(2026, 12, 21, 10, 0))
    note(nurse, signed, meeting=meeting(signed, at(2026, 12, 21, 10, 0)), signed=True, when=at(2026, 12, 21, 12, 0))
    meeting(in_time, at(2026, 12, 23, 10, 0))
    meeting(no_show, at(2026, 12, 1, 10, 0), outcome="client_no_show")
    note(nurse, only_draft, meeting=meeting(only_draft, at(2026, 12, 1, 10, 0)), when=at(2026, 12, 1, 12, 0))
    # Dated in Finnish time: 22.12. 23:30 is due 29.12.; 23.12. 00:30 (still 22.12. in UTC) is due 30.12.
    meeting(late_evening, at(2026, 12, 22, 23, 30))
    meeting(after_midnight, at(2026, 12, 23, 0, 30))
    found = filter_clients_with_overdue_notes(Client.objects.all(), today=date(2026, 12, 30))
    assert set(found.values_list("family_name_latin", flat=True)) == {"Overdue", "OnlyDraft", "LateEvening"}


def test_the_queryset_filter_agrees_with_the_per_client_items_every_day_around_christmas(new_client, nurse):
    clients = []
    for offset in range(0, 12):
        client = new_client(family_name_latin=f"Client{offset}")
        meeting(client, at(2026, 12, 17, 15, 0) + timedelta(days=offset))
        clients.append(client)
    day = date(2026, 12, 18)
    while day <= date(2027, 1, 8):
        expected = {c.pk for c in clients if any(item.overdue and item.code == NOTE_MISSING
                                                 for item in quality_items_for_client(client=c, today=day))}
        assert set(filter_clients_with_overdue_notes(Client.objects.all(), today=day)
                   .values_list("pk", flat=True)) == expected, day
        day += timedelta(days=1)


def test_the_filter_keeps_the_callers_queryset_filters(new_client):
    first, second = new_client(family_name_latin="A"), new_client(family_name_latin="B")
    for client in (first, second):
        meeting(client, at(2026, 3, 2, 10, 0))
    narrowed = Client.objects.filter(family_name_latin="B")
    assert list(filter_clients_with_overdue_notes(narrowed, today=date(2026, 4, 1))) == [second]


def test_the_to_do_list_shows_only_the_viewers_care_team_clients_and_logs_what_it_shows(
        new_client, nurse, counsellor, organisation, team_lead):
    mine_overdue = new_client(family_name_latin="Mine")
    mine_clean = new_client(family_name_latin="Clean")
    theirs = make_client(organisation=organisation, created_by=team_lead, family_name_latin="Theirs")
    add_to_care_team(client=theirs, worker=counsellor, assigned_by=team_lead, role="social_counsellor")
    meeting(mine_overdue, at(2026, 3, 2, 10, 0))
    meeting(theirs, at(2026, 3, 2, 10, 0))
    AccessLog.objects.all().delete()
    todo = todo_for_worker(viewer=nurse, today=date(2026, 3, 10))
    assert [(entry.client, [item.code for item in entry.items]) for entry in todo] == [(mine_overdue,
                                                                                        [NOTE_MISSING])]
    assert mine_clean not in [entry.client for entry in todo]
    log = AccessLog.objects.get()
    assert (log.actor, log.client_id, log.object_type, log.action) == (nurse, mine_overdue.pk, "quality_todo",
                                                                       "read")


def test_the_to_do_list_puts_overdue_clients_first_and_its_query_count_does_not_grow_with_clients(
        new_client, nurse):
    soon = new_client(family_name_latin="Soon")
    late = new_client(family_name_latin="Late")
    meeting(soon, at(2026, 3, 9, 10, 0))
    meeting(late, at(2026, 3, 2, 10, 0))
    with CaptureQueriesContext(connection) as two_clients:
        todo = todo_for_worker(viewer=nurse, today=date(2026, 3, 10))
    assert [entry.client for entry in todo] == [late, soon]
    assert [entry.items[0].overdue for entry in todo] == [True, False]
    for index in range(5):
        meeting(new_client(family_name_latin=f"More{index}"), at(2026, 3, 3, 10, 0))
    with CaptureQueriesContext(connection) as seven_clients:
        assert len(todo_for_worker(viewer=nurse, today=date(2026, 3, 10))) == 7
    assert len(seven_clients) == len(two_clients) == 4
