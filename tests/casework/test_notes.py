"""Note services: drafts with optimistic locking, signing, corrections as versions, history."""

import threading
import time

import pytest
from django.db import connection, connections, transaction
from django.utils import timezone, translation

from polku.casework.models import Meeting, Note, PathEvent
from polku.casework.selectors.notes import get_note_thread, list_note_threads
from polku.casework.services.notes import correct_note, create_note, sign_note, update_draft_note
from polku.core.errors import AccessDenied, Conflict, DomainError
from polku.core.models import AccessLog
from tests.factories import add_to_care_team, make_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def client_record(organisation, team_lead, nurse, counsellor):
    record = make_client(organisation=organisation, created_by=team_lead)
    add_to_care_team(client=record, worker=nurse, assigned_by=team_lead, role="nurse")
    add_to_care_team(client=record, worker=counsellor, assigned_by=team_lead, role="social_counsellor")
    return record


def draft(actor, client, **fields):
    values = {"reason_for_contact": "Sleep problems", "topics": ["sleep", "trauma"],
              "agreed_actions": "Sleep diary for two weeks", "next_step": "Meet again next week",
              "text": "Client told about nightmares."}
    values.update(fields)
    return create_note(actor=actor, client=client, **values)


def test_a_care_team_member_writes_a_draft_note_and_the_write_is_logged(nurse, client_record):
    note = draft(nurse, client_record, topics=["trauma", "sleep", "trauma"])
    note = Note.objects.get(pk=note.pk)
    assert (note.author, note.status, note.version, note.client) == (nurse, "draft", 1, client_record)
    assert note.topics == ["trauma", "sleep"]  # each once, in the list's order
    log = AccessLog.objects.get()
    assert (log.actor, log.action, log.basis, log.object_type) == (nurse, "write", "care_relationship", "note")
    assert not PathEvent.objects.exists()  # documenting is not a step on the client's path


def test_topics_outside_the_list_are_a_field_error_and_nothing_is_saved(nurse, client_record):
    with pytest.raises(DomainError) as error:
        draft(nurse, client_record, topics=["sleep", "astrology"])
    assert (error.value.code, error.value.field) == ("invalid_topic", "topics")
    assert error.value.params["unknown"] == ["astrology"]
    assert not Note.objects.exists()


def test_an_empty_note_is_refused(nurse, client_record):
    with pytest.raises(DomainError) as error:
        create_note(actor=nurse, client=client_record, text="   ")
    assert (error.value.code, error.value.field) == ("note_empty", "text")


def test_a_note_about_another_clients_meeting_is_refused(nurse, organisation, team_lead, client_record):
    other = make_client(organisation=organisation, created_by=team_lead, family_name_latin="Toinen")
    meeting = Meeting.objects.create(client=other, starts_at=timezone.now(), place="office", created_by=team_lead)
    with pytest.raises(DomainError) as error:
        draft(nurse, client_record, meeting=meeting)
    assert error.value.field == "meeting"


def test_a_worker_outside_the_care_team_cannot_write_notes_and_the_attempt_is_logged(outsider, client_record):
    with pytest.raises(AccessDenied):
        draft(outsider, client_record)
    assert not Note.objects.exists()
    log = AccessLog.objects.get()
    assert (log.actor, log.action, log.basis, log.object_type) == (outsider, "write", "denied", "note")


def test_saving_a_draft_with_the_current_version_bumps_the_version(nurse, counsellor, client_record):
    note = draft(nurse, client_record)
    saved = update_draft_note(actor=counsellor, note=note, expected_version=1, reason_for_contact="Sleep",
                              topics=["sleep"], text="Edited by the counsellor")
    assert (saved.version, saved.text, saved.topics, saved.author) == (2, "Edited by the counsellor", ["sleep"],
                                                                        nurse)


def test_two_workers_saving_the_same_draft_version_the_second_gets_a_conflict_and_the_first_text_stays(
        nurse, counsellor, client_record):
    note = draft(nurse, client_record)
    update_draft_note(actor=nurse, note=note, expected_version=1, reason_for_contact="Sleep", text="Nurse's text")
    with pytest.raises(Conflict) as error:
        update_draft_note(actor=counsellor, note=note, expected_version=1, reason_for_contact="Sleep",
                          text="Counsellor's text")
    assert error.value.code == "note_conflict" and error.value.params["version"] == 2
    with translation.override("en"):
        assert "someone else saved this note first" in str(error.value.message).lower()
    note.refresh_from_db()
    assert (note.text, note.version) == ("Nurse's text", 2)
    # Both attempts passed the access core; the refusal is a conflict, not a denial.
    assert list(AccessLog.objects.order_by("id").values_list("actor__username", "basis")) == [
        ("nurse", "care_relationship"), ("nurse", "care_relationship"), ("counsellor", "care_relationship")]


def test_signing_locks_the_note_and_records_who_and_when(nurse, client_record):
    note = draft(nurse, client_record)
    signed = sign_note(actor=nurse, note=note, expected_version=1)
    assert (signed.status, signed.signed_by, signed.signed_at, signed.version) == (
        "signed", nurse, signed.updated_at, 2)
    with pytest.raises(DomainError) as error:
        sign_note(actor=nurse, note=note)
    assert error.value.code == "note_already_signed"


def test_signing_a_draft_someone_changed_after_you_read_it_is_a_conflict(nurse, counsellor, client_record):
    note = draft(nurse, client_record)
    update_draft_note(actor=counsellor, note=note, expected_version=1, text="Changed meanwhile")
    with pytest.raises(Conflict):
        sign_note(actor=nurse, note=note, expected_version=1)
    assert Note.objects.get(pk=note.pk).status == "draft"


def test_editing_a_signed_note_is_refused_and_the_correction_path_is_offered(nurse, client_record):
    note = sign_note(actor=nurse, note=draft(nurse, client_record))
    with pytest.raises(DomainError) as error:
        update_draft_note(actor=nurse, note=note, expected_version=note.version, text="Rewriting history")
    assert not isinstance(error.value, Conflict)
    assert error.value.code == "note_signed" and error.value.params["correct_note_id"] == note.pk
    with translation.override("en"):
        assert "make a correction" in str(error.value.message)
    note.refresh_from_db()
    assert note.text == "Client told about nightmares."


@pytest.mark.parametrize("reason", ["", "   "])
def test_a_correction_without_a_reason_is_refused(nurse, client_record, reason):
    note = sign_note(actor=nurse, note=draft(nurse, client_record))
    with pytest.raises(DomainError) as error:
        correct_note(actor=nurse, note=note, reason=reason, text="Corrected")
    assert (error.value.code, error.value.field) == ("correction_reason_required", "reason")
    assert Note.objects.count() == 1


def test_a_correction_is_a_new_draft_version_and_the_signed_note_is_kept(nurse, counsellor, client_record):
    original = sign_note(actor=nurse, note=draft(nurse, client_record))
    correction = correct_note(actor=counsellor, note=original, reason="Wrong medication name", text="Corrected text",
                              reason_for_contact="Sleep problems", next_step="Call the GP", topics=["sleep"])
    correction = Note.objects.get(pk=correction.pk)
    assert (correction.corrects, correction.correction_reason, correction.status, correction.author) == (
        original, "Wrong medication name", "draft", counsellor)
    original.refresh_from_db()
    assert (original.status, original.text) == ("signed", "Client told about nightmares.")
    assert AccessLog.objects.filter(object_type="note", action="write").count() == 3


def test_only_a_signed_note_is_corrected_and_only_once_per_version(nurse, client_record):
    note = draft(nurse, client_record)
    with pytest.raises(DomainError) as error:
        correct_note(actor=nurse, note=note, reason="Typo", text="x")
    assert error.value.code == "note_not_signed"
    signed = sign_note(actor=nurse, note=note)
    correct_note(actor=nurse, note=signed, reason="Typo", text="x")
    with pytest.raises(DomainError) as error:
        correct_note(actor=nurse, note=signed, reason="Another typo", text="y")
    assert error.value.code == "note_already_corrected"


def test_the_history_shows_the_chain_of_versions_newest_first(nurse, client_record):
    first = sign_note(actor=nurse, note=draft(nurse, client_record))
    second = sign_note(actor=nurse, note=correct_note(actor=nurse, note=first, reason="Typo", text="v2"))
    third = correct_note(actor=nurse, note=second, reason="Missing detail", text="v3")
    other = draft(nurse, client_record, text="Another matter")
    threads = list_note_threads(viewer=nurse, client=client_record)
    assert [(t.current.pk, [n.pk for n in t.earlier]) for t in threads] == [
        (other.pk, []), (third.pk, [second.pk, first.pk])]
    assert get_note_thread(viewer=nurse, note=first).current.pk == third.pk


def _save_in_thread(*, note_id, actor, text, barrier, results, hold_seconds=0.0):
    try:
        note = Note.objects.get(pk=note_id)
        barrier.wait()
        with transaction.atomic():
            results[text] = update_draft_note(actor=actor, note=note, expected_version=1, text=text).version
            # Keep the row lock a moment so the other save really waits for this transaction.
            time.sleep(hold_seconds)
    except Conflict as conflict:
        results[text] = conflict
    finally:
        connections.close_all()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="two real connections need PostgreSQL")
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("hold_seconds", [0.0, 0.3])
def test_two_connections_saving_the_same_draft_at_once_exactly_one_wins_on_postgresql(
        nurse, counsellor, client_record, hold_seconds):
    note = draft(nurse, client_record, text="Original")
    barrier, results = threading.Barrier(2), {}
    threads = [threading.Thread(target=_save_in_thread, kwargs={
        "note_id": note.pk, "actor": actor, "text": text, "barrier": barrier, "results": results,
        "hold_seconds": hold_seconds}) for actor, text in ((nurse, "Nurse's text"), (counsellor, "Counsellor's text"))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    winners = {text: value for text, value in results.items() if value == 2}
    losers = {text: value for text, value in results.items() if isinstance(value, Conflict)}
    assert len(winners) == 1 and len(losers) == 1, results
    note.refresh_from_db()
    assert (note.text, note.version) == (next(iter(winners)), 2)
