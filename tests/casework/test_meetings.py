"""Meeting and work-time services: DB rows, path events and access-log rows."""

from datetime import date, datetime

import pytest
import time_machine
from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from polku.casework.models import (
    Meeting,
    MeetingOutcome,
    MeetingParticipant,
    MeetingPlace,
    PathEvent,
    WorkActivity,
    WorkTime,
)
from polku.casework.services.meetings import (
    adjust_work_time,
    plan_meeting,
    record_meeting,
    record_work_time,
    update_meeting_details,
)
from polku.core.errors import AccessDenied, Conflict, DomainError
from polku.core.models import AccessLog
from tests.factories import add_to_care_team, make_client

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 10, 12, 0)


def at(*args) -> datetime:
    return timezone.make_aware(datetime(*args))


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel(at(*NOW.timetuple()[:5]), tick=False):
        yield


@pytest.fixture
def client_record(organisation, team_lead, nurse, counsellor):
    record = make_client(organisation=organisation, created_by=team_lead, interpreter_needed=True,
                         interpreter_language="ar")
    add_to_care_team(client=record, worker=nurse, assigned_by=team_lead, role="nurse")
    add_to_care_team(client=record, worker=counsellor, assigned_by=team_lead, role="social_counsellor")
    return record


def held(actor, client, participants, **overrides):
    kwargs = {"starts_at": at(2026, 3, 9, 10, 0), "actual_minutes": 60, "place": MeetingPlace.OFFICE,
              "participants": participants, "interpreter_used": True, "interpreter_language": "ar",
              "interpreter_name": "Tulkki Testinen"}
    kwargs.update(overrides)
    return record_meeting(actor=actor, client=client, **kwargs)


def test_first_meeting_held_by_the_pair_writes_meeting_participants_work_time_event_and_log(
        nurse, counsellor, client_record):
    meeting = held(nurse, client_record, [nurse, counsellor], family_members=["Sister", " "],
                   partner_professionals=["Social worker, City of Turku"])
    meeting.refresh_from_db()
    assert (meeting.outcome, meeting.actual_minutes, meeting.is_first_meeting) == ("held", 60, True)
    assert meeting.pair_exception_reason == "" and meeting.recorded_at == timezone.now()
    kinds = sorted(MeetingParticipant.objects.filter(meeting=meeting).values_list("kind", "description"))
    assert kinds == [("family", "Sister"), ("interpreter", "Tulkki Testinen"),
                     ("partner", "Social worker, City of Turku"), ("worker", ""), ("worker", "")]
    times = WorkTime.objects.filter(meeting=meeting).order_by("worker__username")
    assert [(t.worker, t.activity, t.minutes, t.date) for t in times] == [
        (counsellor, "meeting", 60, date(2026, 3, 9)), (nurse, "meeting", 60, date(2026, 3, 9))]
    event = PathEvent.objects.get()
    assert (event.activity, event.client, event.actor, event.object_type, event.object_id) == (
        "MEETING_HELD", client_record, nurse, "meeting", str(meeting.pk))
    assert event.at == at(2026, 3, 9, 10, 0)
    assert event.attributes["pair"] is True and event.attributes["first_meeting"] is True
    log = AccessLog.objects.get()
    assert (log.actor, log.client_id, log.action, log.basis, log.object_type) == (
        nurse, client_record.pk, "write", "care_relationship", "meeting")


def test_first_meeting_by_one_worker_without_a_reason_is_refused_and_nothing_is_saved(nurse, client_record):
    with pytest.raises(DomainError) as error:
        held(nurse, client_record, [nurse])
    assert (error.value.code, error.value.field) == ("pair_required", "participants")
    with translation.override("en"):
        assert "nurse and social counsellor" in str(error.value.message)
    assert not Meeting.objects.exists() and not WorkTime.objects.exists() and not PathEvent.objects.exists()
    # The access itself was allowed and stays logged even though the service refused.
    assert AccessLog.objects.get().basis == "care_relationship"


def test_first_meeting_by_one_worker_with_a_reason_is_accepted_and_the_reason_stored(nurse, client_record):
    meeting = held(nurse, client_record, [nurse],
                   pair_exception_reason="Counsellor ill; client in acute need, could not wait")
    meeting.refresh_from_db()
    assert meeting.is_first_meeting is True
    assert meeting.pair_exception_reason == "Counsellor ill; client in acute need, could not wait"
    assert PathEvent.objects.get().attributes["pair"] is False
    assert WorkTime.objects.get().worker == nurse


def test_later_meetings_may_be_held_by_one_worker_of_the_pair(nurse, counsellor, client_record):
    held(nurse, client_record, [nurse, counsellor])
    second = held(counsellor, client_record, [counsellor], starts_at=at(2026, 3, 10, 9, 0), actual_minutes=90)
    assert second.is_first_meeting is False
    assert list(PathEvent.objects.values_list("activity", flat=True)) == ["MEETING_HELD", "MEETING_HELD"]


def test_a_no_show_before_the_first_held_meeting_does_not_use_up_the_pair_rule(nurse, counsellor, client_record):
    held(nurse, client_record, [nurse], outcome=MeetingOutcome.CLIENT_NO_SHOW, actual_minutes=None,
         interpreter_used=False)
    with pytest.raises(DomainError) as error:
        held(nurse, client_record, [nurse], starts_at=at(2026, 3, 10, 9, 0))
    assert error.value.code == "pair_required"


@pytest.mark.parametrize("minutes", [481, 600, 32767])
def test_a_meeting_over_eight_hours_is_refused_with_a_field_error(nurse, counsellor, client_record, minutes):
    with pytest.raises(DomainError) as error:
        held(nurse, client_record, [nurse, counsellor], actual_minutes=minutes)
    assert (error.value.code, error.value.field) == ("duration_too_long", "actual_minutes")
    assert not Meeting.objects.exists() and not PathEvent.objects.exists()


def test_eight_hours_exactly_is_accepted(nurse, counsellor, client_record):
    assert held(nurse, client_record, [nurse, counsellor], actual_minutes=480).actual_minutes == 480


@pytest.mark.parametrize("minutes", [0, -5, None])
def test_a_held_meeting_needs_a_duration_of_at_least_a_minute(nurse, counsellor, client_record, minutes):
    with pytest.raises(DomainError) as error:
        held(nurse, client_record, [nurse, counsellor], actual_minutes=minutes)
    assert error.value.field == "actual_minutes"


def test_the_database_itself_refuses_a_meeting_over_eight_hours(nurse, client_record):
    with pytest.raises(IntegrityError), transaction.atomic():
        Meeting.objects.create(client=client_record, starts_at=at(2026, 3, 9, 10, 0), place="office",
                               outcome="held", actual_minutes=481, created_by=nurse)


@pytest.mark.django_db(transaction=True)
def test_a_worker_outside_the_care_team_is_denied_and_the_denial_stays_in_the_access_log(
        outsider, nurse, counsellor, client_record):
    with pytest.raises(AccessDenied):
        held(outsider, client_record, [nurse, counsellor])
    assert not Meeting.objects.exists() and not PathEvent.objects.exists()
    log = AccessLog.objects.get()
    assert (log.actor, log.client_id, log.action, log.basis, log.object_type) == (
        outsider, client_record.pk, "write", "denied", "meeting")


def test_a_participant_outside_the_care_team_is_refused(nurse, counsellor, outsider, client_record):
    with pytest.raises(DomainError) as error:
        held(nurse, client_record, [nurse, counsellor, outsider])
    assert (error.value.code, error.value.field) == ("participant_not_in_care_team", "participants")
    assert not Meeting.objects.exists()


def test_a_meeting_without_workers_is_refused(nurse, client_record):
    with pytest.raises(DomainError) as error:
        held(nurse, client_record, [])
    assert error.value.field == "participants"


def test_an_interpreter_without_a_language_is_refused(nurse, counsellor, client_record):
    with pytest.raises(DomainError) as error:
        held(nurse, client_record, [nurse, counsellor], interpreter_language="")
    assert error.value.field == "interpreter_language"


def test_a_held_meeting_cannot_start_in_the_future(nurse, counsellor, client_record):
    with pytest.raises(DomainError) as error:
        held(nurse, client_record, [nurse, counsellor], starts_at=at(2026, 3, 11, 9, 0))
    assert error.value.field == "starts_at"


@pytest.mark.parametrize(("outcome", "activity"), [
    (MeetingOutcome.CLIENT_NO_SHOW, "MEETING_MISSED"),
    (MeetingOutcome.CANCELLED_BY_CLIENT, "MEETING_CANCELLED"),
    (MeetingOutcome.CANCELLED_BY_WORKER, "MEETING_CANCELLED"),
    (MeetingOutcome.INTERPRETER_NO_SHOW, "INTERPRETER_FAILED"),
])
def test_each_outcome_writes_its_path_event(nurse, client_record, outcome, activity):
    meeting = held(nurse, client_record, [nurse], outcome=outcome, actual_minutes=None, interpreter_used=False)
    assert meeting.outcome == outcome and not meeting.is_first_meeting
    event = PathEvent.objects.get()
    assert (event.activity, event.object_id, event.attributes["outcome"]) == (activity, str(meeting.pk), outcome)
    assert not WorkTime.objects.exists()


def test_a_no_show_with_waiting_time_records_the_workers_time(nurse, client_record):
    meeting = held(nurse, client_record, [nurse], outcome=MeetingOutcome.INTERPRETER_NO_SHOW, actual_minutes=30,
                   interpreter_used=False)
    assert WorkTime.objects.get().meeting == meeting


def test_planning_writes_meeting_planned_and_recording_the_outcome_updates_the_same_meeting(
        nurse, counsellor, client_record):
    planned = plan_meeting(actor=nurse, client=client_record, starts_at=at(2026, 3, 12, 10, 0),
                           place=MeetingPlace.HOME, participants=[nurse, counsellor], interpreter_language="ar")
    assert (planned.outcome, planned.planned_minutes, planned.version) == ("planned", 60, 1)
    assert PathEvent.objects.get().activity == "MEETING_PLANNED"
    assert MeetingParticipant.objects.filter(meeting=planned, kind="worker").count() == 2
    with time_machine.travel(at(2026, 3, 12, 12, 0), tick=False):
        recorded = record_meeting(actor=counsellor, client=client_record, meeting=planned, expected_version=1,
                                  starts_at=planned.starts_at, actual_minutes=75, place=MeetingPlace.HOME,
                                  participants=[nurse, counsellor], interpreter_used=True,
                                  interpreter_language="ar", outcome=MeetingOutcome.HELD)
    assert recorded.pk == planned.pk and Meeting.objects.count() == 1
    assert (recorded.outcome, recorded.actual_minutes, recorded.version, recorded.is_first_meeting) == (
        "held", 75, 2, True)
    assert MeetingParticipant.objects.filter(meeting=planned).count() == 3  # two workers and the interpreter
    assert list(PathEvent.objects.values_list("activity", flat=True)) == ["MEETING_PLANNED", "MEETING_HELD"]
    assert list(AccessLog.objects.order_by("id").values_list("action", "basis")) == [
        ("write", "care_relationship")] * 2


def test_planning_a_meeting_in_the_past_is_refused(nurse, client_record):
    with pytest.raises(DomainError) as error:
        plan_meeting(actor=nurse, client=client_record, starts_at=at(2026, 3, 9, 10, 0), place="office",
                     participants=[nurse])
    assert error.value.field == "starts_at"


def test_planning_over_eight_hours_is_refused(nurse, client_record):
    with pytest.raises(DomainError) as error:
        plan_meeting(actor=nurse, client=client_record, starts_at=at(2026, 3, 12, 10, 0), planned_minutes=481,
                     place="office", participants=[nurse])
    assert error.value.field == "planned_minutes"


def test_recording_a_planned_meeting_from_a_stale_version_is_a_conflict(nurse, counsellor, client_record):
    planned = plan_meeting(actor=nurse, client=client_record, starts_at=at(2026, 3, 10, 13, 0),
                           place="office", participants=[nurse, counsellor])
    with time_machine.travel(at(2026, 3, 10, 14, 0), tick=False):
        record_meeting(actor=nurse, client=client_record, meeting=planned, expected_version=1,
                       starts_at=planned.starts_at, actual_minutes=None, place="office", participants=[nurse],
                       outcome=MeetingOutcome.CLIENT_NO_SHOW)
        with pytest.raises(Conflict):
            record_meeting(actor=counsellor, client=client_record, meeting=planned, expected_version=1,
                           starts_at=planned.starts_at, actual_minutes=60, place="office",
                           participants=[nurse, counsellor], outcome=MeetingOutcome.HELD)
    planned.refresh_from_db()
    assert (planned.outcome, planned.version) == ("client_no_show", 2)
    assert not WorkTime.objects.exists()
    assert list(PathEvent.objects.values_list("activity", flat=True)) == ["MEETING_PLANNED", "MEETING_MISSED"]


def test_correcting_meeting_details_needs_the_current_version(nurse, counsellor, client_record):
    meeting = held(nurse, client_record, [nurse, counsellor], interpreter_used=False, interpreter_language="")
    updated = update_meeting_details(actor=counsellor, meeting=meeting, expected_version=1, place="home",
                                     interpreter_used=True, interpreter_language="ar", interpreter_name="A. Tulkki")
    assert (updated.place, updated.interpreter_used, updated.version) == ("home", True, 2)
    assert MeetingParticipant.objects.get(meeting=meeting, kind="interpreter").description == "A. Tulkki"
    with pytest.raises(Conflict):
        update_meeting_details(actor=nurse, meeting=meeting, expected_version=1, place="office",
                               interpreter_used=False)
    meeting.refresh_from_db()
    assert meeting.place == "home"


def test_work_time_outside_meetings_is_recorded_for_the_actor(nurse, client_record):
    row = record_work_time(actor=nurse, client=client_record, activity=WorkActivity.PHONE, date=date(2026, 3, 10),
                           minutes=15, description="Called the housing office")
    row = WorkTime.objects.get(pk=row.pk)
    assert (row.worker, row.client, row.activity, row.minutes, row.meeting) == (
        nurse, client_record, "phone", 15, None)
    assert not PathEvent.objects.exists()  # work time is not a step on the client's path
    assert AccessLog.objects.get().object_type == "work_time"


@pytest.mark.parametrize(("changes", "field"), [
    ({"activity": "meeting"}, "activity"),
    ({"activity": "sleeping"}, "activity"),
    ({"minutes": 481}, "minutes"),
    ({"minutes": 0}, "minutes"),
    ({"date": date(2026, 3, 11)}, "date"),
])
def test_bad_work_time_is_refused_naming_the_field(nurse, client_record, changes, field):
    kwargs = {"activity": "network", "date": date(2026, 3, 10), "minutes": 30, "description": ""}
    kwargs.update(changes)
    with pytest.raises(DomainError) as error:
        record_work_time(actor=nurse, client=client_record, **kwargs)
    assert error.value.field == field
    assert not WorkTime.objects.exists()


def test_a_worker_adjusts_their_own_meeting_time_but_not_a_colleagues(nurse, counsellor, client_record):
    meeting = held(nurse, client_record, [nurse, counsellor], actual_minutes=120)
    own = WorkTime.objects.get(meeting=meeting, worker=nurse)
    colleague = WorkTime.objects.get(meeting=meeting, worker=counsellor)
    assert adjust_work_time(actor=nurse, work_time=own, minutes=60, description="Left after an hour").minutes == 60
    with pytest.raises(DomainError) as error:
        adjust_work_time(actor=nurse, work_time=colleague, minutes=10)
    assert error.value.code == "not_own_work_time"
    colleague.refresh_from_db()
    assert colleague.minutes == 120
