"""Creating and changing events: validation, capacity, the organiser's scope, attendance, feedback."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.db import IntegrityError, transaction
from django.utils import translation

from polku.core.errors import DomainError
from polku.core.models import CollaborationArea
from polku.interpreting.models import OutboxMessage
from polku.trainings.ics import read_invitation
from polku.trainings.models import Enrolment, EnrolmentStatus, Feedback, TrainingEvent
from polku.trainings.services import (
    create_event,
    enrol,
    mark_attendance,
    submit_feedback,
    update_event,
)
from tests.trainings.conftest import event_data

pytestmark = pytest.mark.django_db


def test_an_in_person_event_without_a_place_is_refused_naming_the_field(coordinator):
    with pytest.raises(DomainError) as refused:
        create_event(actor=coordinator, data=event_data(place=""))
    assert refused.value.field == "place"
    assert not TrainingEvent.objects.exists()


def test_an_event_ending_before_it_starts_is_refused(coordinator):
    data = event_data()
    with pytest.raises(DomainError) as refused:
        create_event(actor=coordinator, data=event_data(ends_at=data.starts_at - timedelta(hours=1)))
    assert refused.value.field == "ends_at"


def test_the_database_also_refuses_an_online_event_without_a_link(event):
    with transaction.atomic(), pytest.raises(IntegrityError):
        TrainingEvent.objects.filter(pk=event.pk).update(format="online", online_url="")


def test_the_database_refuses_a_second_row_for_the_same_person_and_event(event, professionals):
    enrol(actor=professionals[0], event=event)
    with transaction.atomic(), pytest.raises(IntegrityError):
        Enrolment.objects.create(event=event, user=professionals[0], status=EnrolmentStatus.WAITING)


def test_an_area_coordinator_organises_only_in_their_own_area(area_coordinator):
    oys = CollaborationArea.objects.get(code="OYS")
    hus = CollaborationArea.objects.get(code="HUS")

    own = create_event(actor=area_coordinator, data=event_data(area=oys))

    assert own.area == oys
    for area in (hus, None):
        with pytest.raises(DomainError) as refused:
            create_event(actor=area_coordinator, data=event_data(area=area))
        assert refused.value.code == "not_organiser"


def test_lowering_the_capacity_below_the_enrolled_count_is_a_clear_error(event, coordinator, professionals):
    for person in professionals[:2]:
        enrol(actor=person, event=event)

    with translation.override("en"), pytest.raises(DomainError) as refused:
        update_event(actor=coordinator, event=event, data=event_data(capacity=1))

    assert refused.value.field == "capacity"
    assert "lower than the 2 people already enrolled" in str(refused.value.message)
    event.refresh_from_db()
    assert event.capacity == 2


def test_raising_the_capacity_gives_the_new_seats_to_the_waiting_list_in_order(event, coordinator, professionals):
    for person in professionals[:5]:
        enrol(actor=person, event=event)

    update_event(actor=coordinator, event=event, data=event_data(capacity=4))

    statuses = [Enrolment.objects.get(event=event, user=p).status for p in professionals]
    assert statuses == ["enrolled"] * 4 + ["waiting"]


def test_moving_the_event_sends_the_enrolled_a_calendar_update_with_the_same_uid(event, coordinator, professionals):
    enrol(actor=professionals[0], event=event)
    later = event.starts_at + timedelta(days=1)

    update_event(actor=coordinator, event=event, data=event_data(starts_at=later, ends_at=later + timedelta(hours=2)))

    update = OutboxMessage.objects.get(recipient_user=professionals[0], kind="training.event_changed")
    parsed = read_invitation(update.ics)
    assert parsed["sequence"] == 1 and parsed["method"] == "REQUEST"
    assert parsed["uid"] == f"training-{event.uid}@polku.invalid"
    assert parsed["start"] == later


def attended_event(event, coordinator, professionals, *, attended):
    for person in professionals[:2]:
        enrol(actor=person, event=event)
    with time_machine.travel(event.ends_at, tick=False):
        mark_attendance(actor=coordinator, event=event, attended_user_ids=attended)
    return event


def test_the_organiser_marks_attendance_after_the_start(event, coordinator, professionals):
    attended_event(event, coordinator, professionals, attended=[professionals[0].pk])

    marks = dict(Enrolment.objects.filter(event=event).values_list("user_id", "attended"))
    assert marks == {professionals[0].pk: True, professionals[1].pk: False}


def test_attendance_marked_by_a_non_organiser_is_refused(event, professionals, area_coordinator):
    enrol(actor=professionals[0], event=event)
    with time_machine.travel(event.ends_at, tick=False):
        for outsider in (professionals[1], area_coordinator):  # a professional; a coordinator of another area
            with pytest.raises(DomainError) as refused:
                mark_attendance(actor=outsider, event=event, attended_user_ids=[professionals[0].pk])
            assert refused.value.code == "not_organiser"
    assert Enrolment.objects.get(event=event, user=professionals[0]).attended is None


def test_attendance_cannot_be_marked_before_the_event_starts(event, coordinator, professionals):
    enrol(actor=professionals[0], event=event)
    with pytest.raises(DomainError) as refused:
        mark_attendance(actor=coordinator, event=event, attended_user_ids=[professionals[0].pk])
    assert refused.value.code == "not_started"


def test_only_enrolled_people_can_be_marked_as_attended(event, coordinator, professionals):
    for person in professionals[:3]:
        enrol(actor=person, event=event)  # the third waits
    with time_machine.travel(event.ends_at, tick=False), pytest.raises(DomainError) as refused:
        mark_attendance(actor=coordinator, event=event, attended_user_ids=[professionals[2].pk])
    assert refused.value.code == "not_a_participant"


def test_an_attendee_gives_feedback_once(event, coordinator, professionals):
    attended_event(event, coordinator, professionals, attended=[professionals[0].pk])

    submit_feedback(actor=professionals[0], event=event, rating=4, comment="Hyödyllinen")
    with pytest.raises(DomainError) as again:
        submit_feedback(actor=professionals[0], event=event, rating=5)

    assert again.value.code == "feedback_given"
    assert list(Feedback.objects.values_list("rating", "comment")) == [(4, "Hyödyllinen")]
    from polku.trainings.selectors import get_participants

    summary = get_participants(viewer=coordinator, event=event)
    assert (summary.feedback_count, summary.feedback_average) == (1, 4.0)


def test_feedback_from_a_non_attendee_is_refused(event, coordinator, professionals):
    attended_event(event, coordinator, professionals, attended=[professionals[0].pk])

    for outsider in (professionals[1], professionals[3]):  # enrolled but absent; never enrolled
        with pytest.raises(DomainError) as refused:
            submit_feedback(actor=outsider, event=event, rating=5)
        assert refused.value.code == "not_attended"
    assert not Feedback.objects.exists()


@pytest.mark.parametrize("rating", [0, 6, -1])
def test_a_rating_outside_one_to_five_is_refused(event, coordinator, professionals, rating):
    attended_event(event, coordinator, professionals, attended=[professionals[0].pk])
    with pytest.raises(DomainError) as refused:
        submit_feedback(actor=professionals[0], event=event, rating=rating)
    assert refused.value.field == "rating"


@pytest.mark.parametrize("link", ["javascript:alert(1)", "ftp://example.org/x", "example.org"])
def test_an_online_link_that_is_not_a_web_address_is_refused(coordinator, link):
    with pytest.raises(DomainError) as refused:
        create_event(actor=coordinator, data=event_data(format="online", place="", online_url=link))
    assert refused.value.field == "online_url"
    assert not TrainingEvent.objects.exists()


def test_the_event_list_and_the_participant_view_take_a_fixed_number_of_queries(
        make_event, coordinator, professionals, django_assert_num_queries):
    from polku.trainings.selectors import get_participants, list_events

    events = [make_event(title_fi=f"Koulutus {n}") for n in range(3)]
    for person in professionals:
        enrol(actor=person, event=events[0])

    with django_assert_num_queries(1):
        rows = list(list_events(viewer=coordinator))
    with django_assert_num_queries(2):
        participants = get_participants(viewer=coordinator, event=events[0])
        names = [str(row.user.organisation) for row in participants.enrolled + participants.waiting]

    assert [row.enrolled for row in rows] == [2, 0, 0]
    assert len(names) == 5
