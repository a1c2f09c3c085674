"""Enrolment, the waiting list, cancellations and their notifications (services)."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import translation

from polku.core.errors import AccessDenied, DomainError
from polku.interpreting.models import OutboxMessage
from polku.trainings.ics import read_invitation
from polku.trainings.models import Enrolment, EnrolmentStatus, EventStatus, InvitationIssue
from polku.trainings.services import cancel_enrolment, cancel_event, enrol
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def messages_to(user, kind=None):
    rows = OutboxMessage.objects.filter(recipient_user=user).order_by("id")
    return list(rows.filter(kind=kind) if kind else rows)


def test_enrolment_within_capacity_takes_a_seat_and_sends_a_calendar_request(event, professionals):
    enrolment = enrol(actor=professionals[0], event=event)

    assert enrolment.status == EnrolmentStatus.ENROLLED
    [message] = messages_to(professionals[0])
    assert message.kind == "training.enrolled"
    assert message.recipient_kind == "professional"
    assert message.link == f"/koulutukset/{event.pk}/"
    parsed = read_invitation(message.ics)
    expected = ("REQUEST", 0, f"training-{event.uid}@polku.invalid")
    assert (parsed["method"], parsed["sequence"], parsed["uid"]) == expected
    assert InvitationIssue.objects.filter(enrolment=enrolment).count() == 1


def test_enrolment_past_capacity_goes_to_the_waiting_list_without_a_calendar_entry(event, professionals):
    for person in professionals[:2]:
        enrol(actor=person, event=event)

    third = enrol(actor=professionals[2], event=event)

    assert third.status == EnrolmentStatus.WAITING
    assert Enrolment.objects.filter(event=event, status=EnrolmentStatus.ENROLLED).count() == 2
    [message] = messages_to(professionals[2])
    assert message.kind == "training.waitlisted" and message.ics == ""
    assert not InvitationIssue.objects.filter(enrolment=third).exists()


def test_enrolling_twice_is_refused_with_a_clear_message(event, professionals):
    enrol(actor=professionals[0], event=event)

    with translation.override("en"), pytest.raises(DomainError) as refused:
        enrol(actor=professionals[0], event=event)

    assert refused.value.code == "already_enrolled"
    with translation.override("en"):  # the message is lazy: read it in English too
        assert str(refused.value.message) == "You are already enrolled in this event."
    assert Enrolment.objects.filter(event=event, user=professionals[0]).count() == 1


def test_joining_the_waiting_list_twice_is_refused(event, professionals):
    for person in professionals[:3]:
        enrol(actor=person, event=event)

    with translation.override("en"), pytest.raises(DomainError) as refused:
        enrol(actor=professionals[2], event=event)

    with translation.override("en"):  # the message is lazy: read it in English too
        assert "already on the waiting list" in str(refused.value.message)


def test_a_role_without_the_permission_cannot_enrol(event, organisation):
    interpreter = make_user(role="interpreter", organisation=organisation)

    with pytest.raises(AccessDenied):
        enrol(actor=interpreter, event=event)
    assert not Enrolment.objects.exists()


def test_enrolment_closes_when_the_event_starts(event, professionals):
    with time_machine.travel(event.starts_at + timedelta(minutes=1), tick=False), pytest.raises(DomainError) as refused:
        enrol(actor=professionals[0], event=event)
    assert refused.value.code == "enrolment_closed"


def test_cancelling_a_seat_promotes_the_first_in_line_and_tells_them(event, professionals):
    first, second, waiting_1, waiting_2 = professionals[:4]
    for person in (first, second, waiting_1, waiting_2):
        enrol(actor=person, event=event)

    cancel_enrolment(actor=first, event=event)

    statuses = dict(Enrolment.objects.filter(event=event).values_list("user__username", "status"))
    assert statuses == {first.username: "cancelled", second.username: "enrolled",
                        waiting_1.username: "enrolled", waiting_2.username: "waiting"}
    cancel_message = messages_to(first, "training.enrolment_cancelled")[0]
    parsed = read_invitation(cancel_message.ics)
    assert (parsed["method"], parsed["sequence"], parsed["status"]) == ("CANCEL", 1, "CANCELLED")
    promoted = messages_to(waiting_1, "training.promoted")[0]
    assert read_invitation(promoted.ics)["method"] == "REQUEST"
    assert messages_to(waiting_2, "training.promoted") == []


def test_leaving_the_waiting_list_sends_no_calendar_cancellation_and_promotes_nobody(event, professionals):
    for person in professionals[:4]:
        enrol(actor=person, event=event)

    cancel_enrolment(actor=professionals[2], event=event)

    assert messages_to(professionals[2], "training.enrolment_cancelled")[0].ics == ""
    assert Enrolment.objects.get(event=event, user=professionals[3]).status == EnrolmentStatus.WAITING


def test_cancelling_without_an_enrolment_is_refused(event, professionals):
    with pytest.raises(DomainError) as refused:
        cancel_enrolment(actor=professionals[0], event=event)
    assert refused.value.code == "not_enrolled"


def test_re_enrolling_after_a_cancellation_keeps_the_uid_and_raises_the_sequence(event, professionals):
    enrol(actor=professionals[0], event=event)
    cancel_enrolment(actor=professionals[0], event=event)

    again = enrol(actor=professionals[0], event=event)

    sequences = list(InvitationIssue.objects.filter(enrolment=again).values_list("method", "sequence", "uid"))
    uid = f"training-{event.uid}@polku.invalid"
    assert sequences == [("REQUEST", 0, uid), ("CANCEL", 1, uid), ("REQUEST", 2, uid)]


def test_cancelling_the_event_tells_everyone_and_cancels_the_calendar_entries(event, coordinator, professionals):
    for person in professionals[:3]:
        enrol(actor=person, event=event)

    cancel_event(actor=coordinator, event=event, reason="Kouluttaja sairastui")

    event.refresh_from_db()
    assert event.status == EventStatus.CANCELLED and event.cancelled_at is not None
    for person in professionals[:2]:
        message = messages_to(person, "training.event_cancelled")[0]
        assert read_invitation(message.ics)["method"] == "CANCEL"
        assert "Kouluttaja sairastui" in message.body
    queued = messages_to(professionals[2], "training.event_cancelled")[0]
    assert queued.ics == ""
    with pytest.raises(DomainError):
        enrol(actor=professionals[3], event=event)


def test_only_an_organiser_can_cancel_the_event_and_a_reason_is_required(event, coordinator, professionals):
    with pytest.raises(DomainError) as refused:
        cancel_event(actor=professionals[0], event=event, reason="x")
    assert refused.value.code == "not_organiser"
    with pytest.raises(DomainError) as no_reason:
        cancel_event(actor=coordinator, event=event, reason="  ")
    assert no_reason.value.field == "reason"
    event.refresh_from_db()
    assert event.status == EventStatus.PUBLISHED


def test_messages_are_written_in_the_recipients_language(event, organisation):
    swede = make_user(role="professional", profession="nurse", organisation=organisation)
    swede.preferred_language = "sv"
    swede.save(update_fields=["preferred_language"])

    enrol(actor=swede, event=event)

    assert messages_to(swede)[0].language == "sv"
