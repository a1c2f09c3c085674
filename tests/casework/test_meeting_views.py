"""Views of the meetings and notes slice: forms, field errors, 404 on refusal, conflict display, to-do page."""

import re
from datetime import datetime

import pytest
import time_machine
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from polku.casework.models import Meeting, Note, PathEvent, WorkTime
from polku.casework.services.meetings import plan_meeting, record_meeting
from polku.casework.services.notes import correct_note, create_note, sign_note, update_draft_note
from polku.casework.views import meetings as meeting_views
from polku.casework.views import notes as note_views
from polku.core.models import AccessLog
from tests.factories import add_to_care_team, make_client

pytestmark = pytest.mark.django_db


def at(*args) -> datetime:
    return timezone.make_aware(datetime(*args))


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel(at(2026, 3, 10, 12, 0), tick=False):
        yield


@pytest.fixture
def client_record(organisation, team_lead, nurse, counsellor):
    record = make_client(organisation=organisation, created_by=team_lead, given_names_latin="Amina",
                         family_name_latin="Testinen", interpreter_needed=True, interpreter_language="ar")
    add_to_care_team(client=record, worker=nurse, assigned_by=team_lead, role="nurse")
    add_to_care_team(client=record, worker=counsellor, assigned_by=team_lead, role="social_counsellor")
    return record


@pytest.fixture
def web(client, nurse):
    client.force_login(nurse)
    client.cookies["polku_language"] = "en"
    return client


def meeting_post(nurse, counsellor, **overrides):
    data = {"outcome": "held", "date": "2026-03-09", "start_time": "10:00", "end_time": "11:00", "place": "office",
            "place_detail": "", "participants": [nurse.pk, counsellor.pk], "family_members": "",
            "partner_professionals": "", "interpreter_used": "on", "interpreter_language": "ar",
            "interpreter_name": "", "pair_exception_reason": "", "version": ""}
    data.update(overrides)
    return data


def field_errors(html: str, field_id: str) -> str:
    match = re.search(rf'id="{field_id}_error"[^>]*>(.*?)<', html, re.S)
    return match.group(1).strip() if match else ""


def test_the_record_form_labels_every_input_and_groups_workers_in_a_fieldset(web, client_record, nurse):
    html = web.get(reverse("casework:meeting_record", args=[client_record.pk])).content.decode()
    inputs = [tag for tag in re.findall(r'<(?:input|select|textarea)[^>]*>', html) if 'type="hidden"' not in tag]
    ids = [re.search(r'\sid="([^"]+)"', tag).group(1) for tag in inputs]
    assert len(ids) >= 14
    for input_id in ids:
        assert f'for="{input_id}"' in html, input_id
    assert re.search(r'<fieldset id="id_participants"[^>]*>\s*<legend>Workers taking part</legend>', html)
    assert "Nurse Testinen (Nurse)" in html and "(Social counsellor)" in html
    # The client needs an interpreter, so a new record starts with the interpreter and language filled in.
    assert 'id="id_interpreter_used" checked' in html and 'value="ar"' in html


def test_a_meeting_that_ends_before_it_starts_gets_a_field_error_naming_the_end_time(
        web, client_record, nurse, counsellor):
    response = web.post(reverse("casework:meeting_record", args=[client_record.pk]),
                        meeting_post(nurse, counsellor, start_time="11:00", end_time="10:30"))
    html = response.content.decode()
    assert response.status_code == 200
    assert field_errors(html, "id_end_time") == "The end time must be after the start time."
    assert html.index('class="error-summary"') < html.index('<form method="post" novalidate>')
    assert '<a href="#id_end_time">End time: The end time must be after the start time.</a>' in html
    assert not Meeting.objects.exists()


def test_a_meeting_of_over_eight_hours_is_refused_on_the_end_time(web, client_record, nurse, counsellor):
    response = web.post(reverse("casework:meeting_record", args=[client_record.pk]),
                        meeting_post(nurse, counsellor, start_time="08:00", end_time="16:01"))
    assert "at most 8 hours" in field_errors(response.content.decode(), "id_end_time")
    assert not Meeting.objects.exists()


def test_a_first_meeting_by_one_worker_needs_a_reason_and_with_one_it_is_saved(web, client_record, nurse, counsellor):
    url = reverse("casework:meeting_record", args=[client_record.pk])
    refused = web.post(url, meeting_post(nurse, counsellor, participants=[nurse.pk]))
    assert "nurse and social counsellor together" in field_errors(refused.content.decode(), "id_participants")
    assert not Meeting.objects.exists()
    saved = web.post(url, meeting_post(nurse, counsellor, participants=[nurse.pk],
                                       pair_exception_reason="Counsellor on sick leave"))
    assert saved.status_code == 302 and saved.url == reverse("casework:client_detail", args=[client_record.pk])
    meeting = Meeting.objects.get()
    assert (meeting.pair_exception_reason, meeting.actual_minutes, meeting.is_first_meeting) == (
        "Counsellor on sick leave", 60, True)
    assert PathEvent.objects.get().activity == "MEETING_HELD"
    assert WorkTime.objects.get().worker == nurse


def test_a_worker_outside_the_care_team_gets_404_and_the_denial_is_logged(client, outsider, client_record, nurse):
    client.force_login(outsider)
    for name in ("meeting_record", "meeting_plan", "note_new", "work_time_new", "meeting_list"):
        response = client.get(reverse(f"casework:{name}", args=[client_record.pk]))
        assert response.status_code == 404
        assert "Amina" not in response.content.decode()
    response = client.post(reverse("casework:meeting_record", args=[client_record.pk]),
                           {"outcome": "held", "participants": [nurse.pk]})
    assert response.status_code == 404
    assert not Meeting.objects.exists()
    assert set(AccessLog.objects.filter(actor=outsider).values_list("basis", flat=True)) == {"denied"}


def test_an_anonymous_visitor_is_sent_to_log_in(client, client_record):
    response = client.get(reverse("casework:meeting_plan", args=[client_record.pk]))
    assert response.status_code == 302 and "/kirjaudu/" in response.url


def test_planning_and_then_recording_the_planned_meeting(web, client_record, nurse, counsellor):
    assert web.post(reverse("casework:meeting_plan", args=[client_record.pk]), {
        "date": "2026-03-12", "start_time": "10:00", "end_time": "11:30", "place": "home",
        "participants": [nurse.pk, counsellor.pk], "interpreter_language": "ar"}).status_code == 302
    planned = Meeting.objects.get()
    assert (planned.outcome, planned.planned_minutes) == ("planned", 90)
    url = reverse("casework:meeting_record_outcome", args=[client_record.pk, planned.pk])
    form_html = web.get(url).content.decode()
    assert 'name="version" value="1"' in form_html and 'value="11:30"' in form_html
    with time_machine.travel(at(2026, 3, 12, 12, 0), tick=False):
        web.force_login(nurse)  # sessions last 8 hours
        response = web.post(url, meeting_post(nurse, counsellor, date="2026-03-12", version="1", end_time="11:15"))
    assert response.url == reverse("casework:client_detail", args=[client_record.pk])
    planned.refresh_from_db()
    assert (planned.outcome, planned.actual_minutes, planned.version) == ("held", 75, 2)
    assert list(PathEvent.objects.values_list("activity", flat=True)) == ["MEETING_PLANNED", "MEETING_HELD"]


def test_recording_a_planned_meeting_someone_else_recorded_shows_the_conflict(web, client_record, nurse, counsellor):
    planned = plan_meeting(actor=nurse, client=client_record, starts_at=at(2026, 3, 10, 13, 0), place="office",
                           participants=[nurse, counsellor])
    with time_machine.travel(at(2026, 3, 10, 15, 0), tick=False):
        record_meeting(actor=counsellor, client=client_record, meeting=planned, starts_at=planned.starts_at,
                       actual_minutes=None, place="office", participants=[counsellor], outcome="client_no_show")
        web.force_login(nurse)  # three idle hours later the session has expired (30-minute limit): log in again
        response = web.post(reverse("casework:meeting_record_outcome", args=[client_record.pk, planned.pk]),
                            meeting_post(nurse, counsellor, date="2026-03-10", start_time="13:00",
                                         end_time="14:00", version="1"))
    assert "Someone else changed this meeting first" in response.content.decode()
    planned.refresh_from_db()
    assert planned.outcome == "client_no_show"


def test_recording_work_time_for_a_phone_call(web, client_record, nurse):
    url = reverse("casework:work_time_new", args=[client_record.pk])
    bad = web.post(url, {"activity": "phone", "date": "2026-03-10", "minutes": "500", "description": ""})
    assert "at most 8 hours" in field_errors(bad.content.decode(), "id_minutes")
    web.post(url, {"activity": "phone", "date": "2026-03-10", "minutes": "20", "description": "Housing office"})
    row = WorkTime.objects.get()
    assert (row.worker, row.activity, row.minutes, row.meeting) == (nurse, "phone", 20, None)


def test_a_worker_changes_their_own_meeting_time_from_the_timeline(web, client_record, nurse, counsellor):
    meeting = record_meeting(actor=nurse, client=client_record, starts_at=at(2026, 3, 9, 10, 0), actual_minutes=90,
                             place="office", participants=[nurse, counsellor], interpreter_used=True,
                             interpreter_language="ar")
    own = WorkTime.objects.get(meeting=meeting, worker=nurse)
    other = WorkTime.objects.get(meeting=meeting, worker=counsellor)
    web.post(reverse("casework:work_time_edit", args=[client_record.pk, own.pk]), {"minutes": "45"})
    response = web.post(reverse("casework:work_time_edit", args=[client_record.pk, other.pk]), {"minutes": "5"})
    assert "only change your own work time" in response.content.decode()
    assert (WorkTime.objects.get(pk=own.pk).minutes, WorkTime.objects.get(pk=other.pk).minutes) == (45, 90)


def test_the_client_page_sections_show_the_timeline_and_the_notes_with_their_history(
        rf, client_record, nurse, counsellor):
    meeting = record_meeting(actor=nurse, client=client_record, starts_at=at(2026, 3, 2, 10, 0), actual_minutes=60,
                             place="home", participants=[nurse, counsellor], family_members=["Brother"],
                             interpreter_used=True, interpreter_language="ar", interpreter_name="Tulkki T.")
    signed = sign_note(actor=nurse, note=create_note(actor=nurse, client=client_record, meeting=meeting,
                                                     reason_for_contact="Sleep", next_step="Follow up", text="v1"))
    correct_note(actor=nurse, note=signed, reason="Typo", reason_for_contact="Sleep", next_step="Follow up",
                 text="v2")
    request = rf.get("/")
    request.user = nurse
    context = {**meeting_views.section_context(viewer=nurse, client=client_record),
               **note_views.section_context(viewer=nurse, client=client_record), "client": client_record}
    with translation.override("en"):
        meetings_html = render_to_string("casework/includes/_meetings.html", context, request=request)
        notes_html = render_to_string("casework/includes/_notes.html", context, request=request)
    assert '<ul class="timeline">' in meetings_html
    for text in ("Client&#x27;s home", "Held", "Brother", "Tulkki T.", "60 minutes", "First meeting",
                 reverse("casework:meeting_plan", args=[client_record.pk]),
                 reverse("casework:meeting_record", args=[client_record.pk])):
        assert text in meetings_html, text
    for text in ("signed by Nurse Testinen", "Draft", "Corrected version", "1 earlier version",
                 reverse("casework:note_new", args=[client_record.pk]),
                 "Documentation to do", "The draft note has not been signed."):
        assert text in notes_html, text


def test_topics_outside_the_list_are_a_field_error_on_the_new_note_form(web, client_record):
    response = web.post(reverse("casework:note_new", args=[client_record.pk]),
                        {"reason_for_contact": "Sleep", "topics": ["sleep", "astrology"], "text": "x"})
    html = response.content.decode()
    assert "astrology is not one of the available choices" in field_errors(html, "id_topics")
    assert re.search(r'<fieldset id="id_topics"[^>]*>\s*<legend>Topics discussed</legend>', html)
    assert not Note.objects.exists()


def test_a_new_note_about_a_meeting_is_saved_as_a_draft_and_can_be_signed(web, client_record, nurse, counsellor):
    meeting = record_meeting(actor=nurse, client=client_record, starts_at=at(2026, 3, 9, 10, 0), actual_minutes=60,
                             place="office", participants=[nurse, counsellor], interpreter_used=True,
                             interpreter_language="ar")
    new_url = reverse("casework:note_new", args=[client_record.pk]) + f"?tapaaminen={meeting.pk}"
    assert f'<option value="{meeting.pk}" selected>' in web.get(new_url).content.decode()
    response = web.post(new_url, {"meeting": meeting.pk, "reason_for_contact": "Sleep", "topics": ["sleep"],
                                  "next_step": "Sleep diary", "text": "Talked about sleep."})
    note = Note.objects.get()
    assert response.url == reverse("casework:note_detail", args=[client_record.pk, note.pk])
    assert (note.meeting, note.topics, note.status) == (meeting, ["sleep"], "draft")
    web.post(reverse("casework:note_sign", args=[client_record.pk, note.pk]), {"version": "1"})
    note.refresh_from_db()
    assert (note.status, note.signed_by) == ("signed", nurse)


def test_saving_a_draft_someone_else_saved_first_shows_the_conflict_and_their_text(
        web, client_record, nurse, counsellor):
    note = create_note(actor=nurse, client=client_record, reason_for_contact="Sleep", text="First text")
    update_draft_note(actor=counsellor, note=note, expected_version=1, reason_for_contact="Sleep",
                      text="Counsellor saved this")
    response = web.post(reverse("casework:note_edit", args=[client_record.pk, note.pk]),
                        {"version": "1", "reason_for_contact": "Sleep", "text": "Nurse's late text"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Someone else saved this note first" in html
    assert "Counsellor saved this" in html and "Nurse&#x27;s late text" in html
    assert 'name="version" value="2"' in html  # a new save is a deliberate choice over the saved version
    note.refresh_from_db()
    assert (note.text, note.version) == ("Counsellor saved this", 2)


def test_editing_a_signed_note_is_refused_and_offers_the_correction(web, client_record, nurse):
    note = sign_note(actor=nurse, note=create_note(actor=nurse, client=client_record, text="Signed text"))
    correct_url = reverse("casework:note_correct", args=[client_record.pk, note.pk])
    for response in (web.get(reverse("casework:note_edit", args=[client_record.pk, note.pk])),
                     web.post(reverse("casework:note_edit", args=[client_record.pk, note.pk]),
                              {"version": str(note.version), "text": "Changed"})):
        html = response.content.decode()
        assert "can no longer be edited" in html and correct_url in html
    note.refresh_from_db()
    assert note.text == "Signed text"


def test_a_correction_without_a_reason_is_refused_and_with_one_it_becomes_a_new_version(web, client_record, nurse):
    note = sign_note(actor=nurse, note=create_note(actor=nurse, client=client_record, text="Signed text"))
    url = reverse("casework:note_correct", args=[client_record.pk, note.pk])
    refused = web.post(url, {"reason": "", "text": "Corrected"})
    assert field_errors(refused.content.decode(), "id_reason") == "State the reason for the correction."
    assert Note.objects.count() == 1
    web.post(url, {"reason": "Wrong date", "text": "Corrected"})
    correction = Note.objects.exclude(pk=note.pk).get()
    assert (correction.corrects, correction.correction_reason, correction.status) == (note, "Wrong date", "draft")
    detail = web.get(reverse("casework:note_detail", args=[client_record.pk, correction.pk])).content.decode()
    assert "Version history" in detail and "Wrong date" in detail


def test_the_to_do_page_lists_the_workers_documentation_gaps_with_links(web, client_record, nurse, counsellor):
    meeting = record_meeting(actor=nurse, client=client_record, starts_at=at(2026, 3, 2, 10, 0), actual_minutes=60,
                             place="office", participants=[nurse, counsellor])
    response = web.get(reverse("casework:todo"))
    html = response.content.decode()
    assert reverse("casework:todo") == "/asiakastyo/tehtavat/"
    assert "Amina Testinen" in html and "Overdue" in html
    assert reverse("casework:note_new", args=[client_record.pk]) + f"?tapaaminen={meeting.pk}" in html
    assert reverse("casework:meeting_edit", args=[client_record.pk, meeting.pk]) in html
    assert AccessLog.objects.filter(actor=nurse, object_type="quality_todo").count() == 1


def test_every_page_of_the_slice_renders_in_finnish_and_the_client_page_shows_both_sections(
        client, client_record, nurse, counsellor):
    client.force_login(nurse)
    meeting = record_meeting(actor=nurse, client=client_record, starts_at=at(2026, 3, 9, 10, 0), actual_minutes=60,
                             place="office", participants=[nurse, counsellor], interpreter_used=True,
                             interpreter_language="ar")
    planned = plan_meeting(actor=nurse, client=client_record, starts_at=at(2026, 3, 12, 10, 0), place="home",
                           participants=[nurse, counsellor])
    note = create_note(actor=nurse, client=client_record, meeting=meeting, text="Luonnos")
    signed = sign_note(actor=nurse, note=create_note(actor=nurse, client=client_record, text="Allekirjoitettu"))
    own_time = WorkTime.objects.get(meeting=meeting, worker=nurse)
    pages = [("meeting_list", [client_record.pk]), ("meeting_plan", [client_record.pk]),
             ("meeting_record", [client_record.pk]), ("meeting_record_outcome", [client_record.pk, planned.pk]),
             ("meeting_edit", [client_record.pk, meeting.pk]), ("work_time_new", [client_record.pk]),
             ("work_time_edit", [client_record.pk, own_time.pk]), ("note_list", [client_record.pk]),
             ("note_new", [client_record.pk]), ("note_detail", [client_record.pk, note.pk]),
             ("note_edit", [client_record.pk, note.pk]), ("note_correct", [client_record.pk, signed.pk]),
             ("todo", [])]
    for name, args in pages:
        response = client.get(reverse(f"casework:{name}", args=args))
        assert response.status_code == 200, name
        assert response["Content-Language"] == "fi"
    page = client.get(reverse("casework:client_detail", args=[client_record.pk])).content.decode()
    assert 'id="meetings-heading"' in page and 'id="notes-heading"' in page
    assert f'href="{reverse("casework:todo")}"' in page  # the to-do list is in the main navigation
    assert reverse("casework:meeting_record_outcome", args=[client_record.pk, planned.pk]) in page


def test_the_client_page_shows_the_newest_meetings_and_notes_and_links_to_the_full_lists(
        web, client_record, nurse, counsellor):
    from polku.casework.models import MeetingPlace
    from polku.casework.views.clients import CLIENT_PAGE_ROWS

    shown = CLIENT_PAGE_ROWS
    for day in range(1, shown + 3):  # two more than the page shows, on 1.3.–7.3.
        meeting = record_meeting(actor=nurse, client=client_record, starts_at=at(2026, 3, day, 10, 0),
                                 actual_minutes=30, place=MeetingPlace.OFFICE, participants=[nurse, counsellor],
                                 interpreter_used=False)
        create_note(actor=nurse, client=client_record, meeting=meeting, reason_for_contact=f"Visit {day}", text="x")
    page = web.get(reverse("casework:client_detail", args=[client_record.pk])).content.decode()
    meetings_part = page.split('id="meetings-heading"')[1].split("</section>")[0]
    notes_part = page.split('id="notes-heading"')[1].split("</section>")[0]
    assert meetings_part.count("<time datetime=") == shown
    assert 'datetime="2026-03-07T10:00:00+02:00"' in meetings_part  # the newest ones
    assert 'datetime="2026-03-01T10:00:00+02:00"' not in meetings_part
    assert f'href="{reverse("casework:meeting_list", args=[client_record.pk])}">All meetings and work time<' in (
        meetings_part)
    assert notes_part.count("Visit ") == shown and "Visit 7" in notes_part and "Visit 1<" not in notes_part
    assert f'href="{reverse("casework:note_list", args=[client_record.pk])}"' in notes_part

    full = web.get(reverse("casework:meeting_list", args=[client_record.pk])).content.decode()
    assert full.count("<time datetime=") == shown + 2
    assert "All meetings and work time" not in full  # the full list links to no fuller one
    all_notes = web.get(reverse("casework:note_list", args=[client_record.pk])).content.decode()
    assert all_notes.count("Visit ") == shown + 2


def test_a_client_page_view_is_one_access_log_row(web, client_record, nurse):
    """The page's sections read under the page's own logged check: one view, one row (not one per section)."""
    before = AccessLog.objects.count()
    assert web.get(reverse("casework:client_detail", args=[client_record.pk])).status_code == 200
    rows = list(AccessLog.objects.order_by("-id")[:AccessLog.objects.count() - before])
    assert [(r.actor_id, r.client_id, r.object_type, r.basis) for r in rows] == [
        (nurse.pk, client_record.pk, "client", "care_relationship")]
