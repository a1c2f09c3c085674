"""Referral services: DB rows, history rows, path events, access-log and disclosure-log rows."""

import pytest
import time_machine
from django.db import IntegrityError, connection, transaction
from django.utils import timezone, translation

from polku.casework.models import PathEvent
from polku.core.errors import AccessDenied, Conflict, DomainError
from polku.core.models import AccessLog, DisclosureLog
from polku.referrals.models import (
    DisclosureItem,
    Referral,
    ReferralConsent,
    ReferralService,
    ReferralTransition,
    ServiceType,
)
from polku.referrals.services import referrals as services
from tests.factories import OrganisationFactory, make_user
from tests.referrals.conftest import at, consent

pytestmark = pytest.mark.django_db

NOW = (2026, 3, 10, 12, 0)  # a Tuesday


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel(at(*NOW), tick=False):
        yield


def activities(client) -> list[str]:
    return list(PathEvent.objects.filter(client=client).order_by("at", "id").values_list("activity", flat=True))


def steps(referral) -> list[tuple[str, str, str]]:
    return list(ReferralTransition.objects.filter(referral=referral).order_by("at", "id")
                .values_list("step", "from_status", "to_status"))


# --- drafting and sending -------------------------------------------------------------------------


def test_a_draft_with_consent_writes_the_referral_and_consent_rows_and_logs_the_write_but_no_path_event(
        nurse, client_record, polku_service):
    referral = services.create_referral(
        actor=nurse, client=client_record, target_service=polku_service, reason="  Low mood  ", urgency="soon",
        consent=consent(DisclosureItem.IDENTITY, DisclosureItem.CONTACT_DETAILS, given_at=at(2026, 3, 9, 9, 0)))
    referral.refresh_from_db()
    assert (referral.status, referral.direction, referral.reason, referral.urgency) == ("draft", "outgoing",
                                                                                       "Low mood", "soon")
    assert (referral.sent_by, referral.sending_organisation, referral.version) == (nurse, nurse.organisation, 1)
    row = ReferralConsent.objects.get(referral=referral)
    assert row.items == ["identity", "contact_details"]
    assert (row.recipient, row.given_at, row.language, row.recorded_by) == (
        "Psykiatrian poliklinikka (testi)", at(2026, 3, 9, 9, 0), "ar", nurse)
    assert not ReferralTransition.objects.exists() and not PathEvent.objects.exists()
    assert not DisclosureLog.objects.exists()  # nothing has left the team yet
    log = AccessLog.objects.get()
    assert (log.actor, log.client_id, log.action, log.basis, log.object_type) == (
        nurse, client_record.pk, "write", "care_relationship", "referral")


def test_sending_writes_the_history_row_the_path_event_and_the_disclosure_of_the_checklist(
        nurse, counsellor, client_record, polku_service):
    draft = services.create_referral(actor=nurse, client=client_record, target_service=polku_service,
                                     reason="Low mood", consent=consent(DisclosureItem.IDENTITY, DisclosureItem.REASON,
                                                                        DisclosureItem.INTERPRETER_NEEDS))
    referral = services.send_referral(actor=counsellor, referral=draft, expected_version=1)
    referral.refresh_from_db()
    assert (referral.status, referral.sent_at, referral.status_changed_at) == ("sent", timezone.now(), timezone.now())
    assert (referral.sent_by, referral.version) == (counsellor, 2)
    assert steps(referral) == [("sent", "draft", "sent")]
    transition = ReferralTransition.objects.get()
    assert (transition.actor, transition.side) == (counsellor, "sender")
    event = PathEvent.objects.get()
    assert (event.activity, event.client, event.actor, event.service, event.object_type, event.object_id) == (
        "REFERRAL_SENT", client_record, counsellor, "Psykiatrian poliklinikka (testi)", "referral", str(referral.pk))
    assert event.attributes["service_type"] == "psychiatric_outpatient"
    assert event.attributes["disclosed"] == ["identity", "reason", "interpreter_needs"]
    disclosure = DisclosureLog.objects.get()
    assert (disclosure.actor, disclosure.client_id, disclosure.recipient, disclosure.channel) == (
        counsellor, client_record.pk, "Psykiatrian poliklinikka (testi)", "referral")
    assert disclosure.content == f"referral {referral.pk}: identity, reason, interpreter_needs"
    assert "2026-03-10" in disclosure.legal_basis
    log = AccessLog.objects.filter(actor=counsellor).get()
    assert (log.action, log.basis, log.object_type, log.object_id) == (
        "write", "care_relationship", "referral", str(referral.pk))


def test_sending_without_a_recorded_consent_is_refused_and_the_draft_stays_a_draft(nurse, client_record,
                                                                                    polku_service):
    draft = services.create_referral(actor=nurse, client=client_record, target_service=polku_service,
                                     reason="Low mood")
    with pytest.raises(DomainError) as error:
        services.send_referral(actor=nurse, referral=draft)
    assert (error.value.code, error.value.field) == ("consent_required", "consent")
    draft.refresh_from_db()
    assert (draft.status, draft.sent_at, draft.version) == ("draft", None, 1)
    assert not ReferralTransition.objects.exists() and not PathEvent.objects.exists()
    assert not DisclosureLog.objects.exists()
    # The access itself was allowed and stays logged though the service refused.
    assert list(AccessLog.objects.values_list("basis", flat=True)) == ["care_relationship", "care_relationship"]


def test_creating_and_sending_at_once_without_consent_is_refused_and_leaves_no_draft(nurse, client_record,
                                                                                     polku_service):
    with pytest.raises(DomainError) as error:
        services.create_referral(actor=nurse, client=client_record, target_service=polku_service,
                                 reason="Low mood", send=True)
    assert error.value.code == "consent_required"
    assert not Referral.objects.exists() and not PathEvent.objects.exists() and not DisclosureLog.objects.exists()


def test_a_referral_to_the_clients_own_team_is_refused(nurse, client_record, own_team_service):
    with pytest.raises(DomainError) as error:
        services.create_referral(actor=nurse, client=client_record, target_service=own_team_service,
                                 reason="Talk", consent=consent(), send=True)
    assert (error.value.code, error.value.field) == ("own_team", "target_service")
    with translation.override("en"):
        assert "your own team" in str(error.value.message)
    assert not Referral.objects.exists() and not PathEvent.objects.exists()


def test_an_internal_team_of_another_organisation_is_an_ordinary_target(nurse, client_record, areas):
    other_team = ReferralService.objects.create(name_fi="Toinen tiimi", service_type=ServiceType.NGO_ACTIVITY,
                                                organisation=OrganisationFactory(), is_internal_team=True)
    referral = services.create_referral(actor=nurse, client=client_record, target_service=other_team,
                                        reason="Peer group", consent=consent(), send=True)
    assert referral.status == "sent"


def test_a_consent_without_the_identity_is_refused(nurse, client_record, polku_service):
    with pytest.raises(DomainError) as error:
        services.create_referral(actor=nurse, client=client_record, target_service=polku_service,
                                 reason="Low mood", consent=consent(DisclosureItem.REASON))
    assert (error.value.code, error.value.field) == ("consent_identity_required", "consent_items")
    assert not Referral.objects.exists()


def test_a_consent_dated_in_the_future_is_refused(nurse, client_record, polku_service):
    with pytest.raises(DomainError) as error:
        services.create_referral(actor=nurse, client=client_record, target_service=polku_service, reason="x",
                                 consent=consent(given_at=at(2026, 3, 11, 9, 0)))
    assert error.value.field == "consent_given_at"


def test_a_missing_reason_or_service_is_refused_naming_the_field(nurse, client_record, polku_service):
    with pytest.raises(DomainError) as error:
        services.create_referral(actor=nurse, client=client_record, target_service=polku_service, reason="  ")
    assert (error.value.code, error.value.field) == ("reason_required", "reason")
    with pytest.raises(DomainError) as error:
        services.create_referral(actor=nurse, client=client_record, target_service=None, reason="x")
    assert error.value.field == "target_service"
    polku_service.active = False
    polku_service.save()
    with pytest.raises(DomainError) as error:
        services.create_referral(actor=nurse, client=client_record, target_service=polku_service, reason="x")
    assert error.value.code == "service_inactive"


def test_a_worker_without_a_care_relationship_cannot_refer_and_the_denial_is_logged(outsider, client_record,
                                                                                      polku_service):
    with pytest.raises(AccessDenied):
        services.create_referral(actor=outsider, client=client_record, target_service=polku_service,
                                 reason="x", consent=consent(), send=True)
    assert not Referral.objects.exists()
    log = AccessLog.objects.get()
    assert (log.actor, log.basis, log.action, log.object_type) == (outsider, "denied", "write", "referral")


def test_the_consent_can_be_corrected_before_sending_but_not_after(nurse, client_record, polku_service):
    draft = services.create_referral(actor=nurse, client=client_record, target_service=polku_service,
                                     reason="x", consent=consent())
    services.record_consent(actor=nurse, referral=draft, consent=consent(DisclosureItem.IDENTITY,
                                                                         DisclosureItem.SCREENING_RESULTS))
    assert ReferralConsent.objects.get().items == ["identity", "screening_results"]
    sent = services.send_referral(actor=nurse, referral=draft)
    with pytest.raises(DomainError) as error:
        services.record_consent(actor=nurse, referral=sent, consent=consent())
    assert error.value.code == "consent_after_sending"
    assert ReferralConsent.objects.get().items == ["identity", "screening_results"]
    assert DisclosureLog.objects.get().content.endswith("identity, screening_results")


# --- the service's answers through the inbox ------------------------------------------------------


def test_the_whole_path_through_the_inbox_writes_every_step_and_logs_the_recipient_basis(
        sent_referral, clinic_worker, clinic_doctor, client_record, clinic):
    services.receive_referral(actor=clinic_worker, referral=sent_referral)
    services.accept_referral(actor=clinic_doctor, referral=sent_referral, note="Doctor's assessment first")
    services.book_appointment(actor=clinic_worker, referral=sent_referral, appointment_at=at(2026, 3, 12, 9, 0))
    with time_machine.travel(at(2026, 3, 12, 11, 0), tick=False):
        services.record_appointment_held(actor=clinic_doctor, referral=sent_referral)
        services.close_referral(actor=clinic_doctor, referral=sent_referral)
    referral = Referral.objects.get()
    assert referral.status == "closed"
    assert (referral.received_at, referral.decided_at, referral.appointment_booked_at) == (at(*NOW),) * 3
    assert (referral.appointment_at, referral.appointment_held_at, referral.closed_at) == (
        at(2026, 3, 12, 9, 0), at(2026, 3, 12, 9, 0), at(2026, 3, 12, 11, 0))
    assert steps(referral) == [("sent", "draft", "sent"), ("received", "sent", "received"),
                               ("accepted", "received", "accepted"),
                               ("appointment_booked", "accepted", "appointment_booked"),
                               ("appointment_held", "appointment_booked", "appointment_held"),
                               ("closed", "appointment_held", "closed")]
    assert ReferralTransition.objects.get(step="accepted").note == "Doctor's assessment first"
    assert set(ReferralTransition.objects.exclude(step="sent").values_list("side", flat=True)) == {"recipient"}
    assert activities(client_record) == ["REFERRAL_SENT", "REFERRAL_RECEIVED", "REFERRAL_ACCEPTED",
                                         "APPOINTMENT_BOOKED", "APPOINTMENT_HELD", "REFERRAL_CLOSED"]
    answers = PathEvent.objects.exclude(activity="REFERRAL_SENT")
    assert {(e.organisation_id, e.service, e.object_id) for e in answers} == {
        (clinic.pk, "Psykiatrian poliklinikka (testi)", str(referral.pk))}
    assert PathEvent.objects.get(activity="APPOINTMENT_BOOKED").attributes["appointment_at"].startswith("2026-03-12")
    recipient_logs = AccessLog.objects.filter(actor__in=[clinic_worker, clinic_doctor])
    assert recipient_logs.count() == 5
    assert set(recipient_logs.values_list("basis", "action", "object_type", "client_id")) == {
        ("referral_recipient", "write", "referral", client_record.pk)}


def test_accepting_twice_is_refused_and_leaves_exactly_one_accepted_step(sent_referral, clinic_worker, clinic_doctor):
    services.receive_referral(actor=clinic_worker, referral=sent_referral)
    services.accept_referral(actor=clinic_worker, referral=sent_referral)
    with pytest.raises(DomainError) as error:
        services.accept_referral(actor=clinic_doctor, referral=sent_referral)
    assert error.value.code == "transition_not_allowed"
    assert ReferralTransition.objects.filter(step="accepted").count() == 1
    assert PathEvent.objects.filter(activity="REFERRAL_ACCEPTED").count() == 1
    assert Referral.objects.get().version == 4


def test_the_database_itself_refuses_a_second_accepted_or_sent_row(sent_referral, clinic_worker):
    services.receive_referral(actor=clinic_worker, referral=sent_referral)
    services.accept_referral(actor=clinic_worker, referral=sent_referral)
    for step in ("accepted", "sent"):
        with pytest.raises(IntegrityError), transaction.atomic():
            ReferralTransition.objects.create(referral=sent_referral, step=step, from_status="received",
                                              to_status=step, side="recipient")
    # Repeatable steps are not limited: a second booking after a missed appointment is normal.
    for _ in range(2):
        ReferralTransition.objects.create(referral=sent_referral, step="appointment_booked", from_status="accepted",
                                          to_status="appointment_booked", side="recipient")


def test_a_stale_version_is_a_conflict_and_nothing_is_written(sent_referral, clinic_worker):
    with pytest.raises(Conflict) as error:
        services.receive_referral(actor=clinic_worker, referral=sent_referral, expected_version=1)
    assert error.value.code == "referral_conflict"
    assert Referral.objects.get().status == "sent"
    assert activities(sent_referral.client) == ["REFERRAL_SENT"]


def test_rejecting_without_a_reason_is_refused_and_with_one_ends_the_referral(sent_referral, clinic_worker):
    services.receive_referral(actor=clinic_worker, referral=sent_referral)
    with pytest.raises(DomainError) as error:
        services.reject_referral(actor=clinic_worker, referral=sent_referral, reason=" ")
    assert (error.value.code, error.value.field) == ("reason_required", "reason")
    assert Referral.objects.get().status == "received"
    services.reject_referral(actor=clinic_worker, referral=sent_referral, reason="Belongs to the health centre")
    referral = Referral.objects.get()
    assert (referral.status, referral.rejection_reason, referral.decided_at, referral.closed_at) == (
        "rejected", "Belongs to the health centre", at(*NOW), at(*NOW))
    event = PathEvent.objects.get(activity="REFERRAL_REJECTED")
    assert event.attributes["reason"] == "Belongs to the health centre"


def test_the_database_refuses_a_rejected_referral_without_a_reason(sent_referral):
    with pytest.raises(IntegrityError), transaction.atomic():
        Referral.objects.filter(pk=sent_referral.pk).update(status="rejected")


def test_a_missed_appointment_returns_to_accepted_and_a_new_booking_follows(sent_referral, clinic_worker):
    services.receive_referral(actor=clinic_worker, referral=sent_referral)
    services.accept_referral(actor=clinic_worker, referral=sent_referral)
    services.book_appointment(actor=clinic_worker, referral=sent_referral, appointment_at=at(2026, 3, 11, 8, 0))
    with time_machine.travel(at(2026, 3, 11, 10, 0), tick=False):
        services.record_appointment_missed(actor=clinic_worker, referral=sent_referral, note="Did not come")
        referral = Referral.objects.get()
        assert (referral.status, referral.appointment_at, referral.appointment_missed_at) == (
            "accepted", None, at(2026, 3, 11, 8, 0))
        services.book_appointment(actor=clinic_worker, referral=sent_referral, appointment_at=at(2026, 3, 18, 8, 0))
    assert Referral.objects.get().status == "appointment_booked"
    assert [s[0] for s in steps(sent_referral)][-3:] == ["appointment_booked", "appointment_missed",
                                                         "appointment_booked"]
    assert activities(sent_referral.client)[-3:] == ["APPOINTMENT_BOOKED", "APPOINTMENT_MISSED",
                                                     "APPOINTMENT_BOOKED"]
    assert PathEvent.objects.get(activity="APPOINTMENT_MISSED").at == at(2026, 3, 11, 8, 0)


def test_an_appointment_cannot_be_marked_held_before_its_time(sent_referral, clinic_worker):
    services.receive_referral(actor=clinic_worker, referral=sent_referral)
    services.accept_referral(actor=clinic_worker, referral=sent_referral)
    services.book_appointment(actor=clinic_worker, referral=sent_referral, appointment_at=at(2026, 3, 12, 9, 0))
    with pytest.raises(DomainError) as error:
        services.record_appointment_held(actor=clinic_worker, referral=sent_referral)
    assert (error.value.code, error.value.field) == ("appointment_in_future", "occurred_at")


def test_the_care_team_cannot_answer_for_a_service_that_works_in_polku_and_the_attempt_is_logged(
        sent_referral, nurse):
    with pytest.raises(AccessDenied):
        services.receive_referral(actor=nurse, referral=sent_referral)
    log = AccessLog.objects.filter(actor=nurse).order_by("-id").first()
    assert (log.basis, log.action, log.object_id) == ("denied", "write", str(sent_referral.pk))
    assert Referral.objects.get().status == "sent"


# --- recorded by hand for a service outside Polku -------------------------------------------------


def test_held_before_booked_is_refused_naming_the_allowed_next_states(manual_referral, nurse):
    services.receive_referral(actor=nurse, referral=manual_referral)
    services.accept_referral(actor=nurse, referral=manual_referral)
    with translation.override("en"), pytest.raises(DomainError) as error:
        services.record_appointment_held(actor=nurse, referral=manual_referral)
    assert error.value.code == "transition_not_allowed"
    assert error.value.params["allowed"] == ["appointment_booked", "withdrawn", "expired"]
    with translation.override("en"):
        assert str(error.value.message) == ("A referral in status “Accepted” cannot move to “Appointment held”. "
                                            "Allowed next states: Appointment booked, Withdrawn, Expired.")
    assert Referral.objects.get().status == "accepted"
    assert activities(manual_referral.client) == ["REFERRAL_SENT", "REFERRAL_RECEIVED", "REFERRAL_ACCEPTED"]


def test_the_sender_records_a_manual_services_answers_with_the_times_they_happened(
        manual_referral, nurse, manual_service):
    services.receive_referral(actor=nurse, referral=manual_referral, occurred_at=at(2026, 3, 10, 12, 0))
    with time_machine.travel(at(2026, 3, 16, 12, 0), tick=False):
        services.accept_referral(actor=nurse, referral=manual_referral, occurred_at=at(2026, 3, 11, 14, 0))
        # "Appointment given for 12.3.", told to the worker afterwards: the booking date is asked for.
        with pytest.raises(DomainError) as error:
            services.book_appointment(actor=nurse, referral=manual_referral, appointment_at=at(2026, 3, 12, 10, 0))
        assert (error.value.code, error.value.field) == ("booking_date_required", "occurred_at")
        services.book_appointment(actor=nurse, referral=manual_referral, appointment_at=at(2026, 3, 12, 10, 0),
                                  occurred_at=at(2026, 3, 11, 15, 0))
        services.record_appointment_held(actor=nurse, referral=manual_referral)  # "attended"
    referral = Referral.objects.get()
    assert (referral.status, referral.decided_at, referral.appointment_held_at) == (
        "appointment_held", at(2026, 3, 11, 14, 0), at(2026, 3, 12, 10, 0))
    events = PathEvent.objects.exclude(activity="REFERRAL_SENT").order_by("at", "id")
    assert [(e.activity, e.at) for e in events] == [
        ("REFERRAL_RECEIVED", at(2026, 3, 10, 12, 0)), ("REFERRAL_ACCEPTED", at(2026, 3, 11, 14, 0)),
        ("APPOINTMENT_BOOKED", at(2026, 3, 11, 15, 0)), ("APPOINTMENT_HELD", at(2026, 3, 12, 10, 0))]
    # The service's answers, recorded by the sender: the service's organisation, the sender as actor.
    assert {(e.organisation_id, e.actor_id, e.attributes["side"]) for e in events} == {
        (manual_service.organisation_id, nurse.pk, "sender")}
    assert set(AccessLog.objects.values_list("basis", flat=True)) == {"care_relationship"}


def test_a_step_cannot_be_dated_before_the_previous_one_or_in_the_future(manual_referral, nurse):
    with pytest.raises(DomainError) as error:
        services.receive_referral(actor=nurse, referral=manual_referral, occurred_at=at(2026, 3, 9, 12, 0))
    assert (error.value.code, error.value.field) == ("occurred_before_previous_step", "occurred_at")
    with pytest.raises(DomainError) as error:
        services.receive_referral(actor=nurse, referral=manual_referral, occurred_at=at(2026, 3, 10, 13, 0))
    assert error.value.code == "occurred_in_future"


# --- withdrawal, notes, incoming ------------------------------------------------------------------


def test_withdrawing_needs_a_reason_and_is_not_possible_after_the_appointment_was_held(manual_referral, nurse):
    with pytest.raises(DomainError) as error:
        services.withdraw_referral(actor=nurse, referral=manual_referral, reason="")
    assert (error.value.code, error.value.field) == ("reason_required", "reason")
    services.withdraw_referral(actor=nurse, referral=manual_referral, reason="The client moved to Tampere")
    referral = Referral.objects.get()
    assert (referral.status, referral.withdraw_reason, referral.closed_at) == (
        "withdrawn", "The client moved to Tampere", at(*NOW))
    assert activities(referral.client)[-1] == "REFERRAL_WITHDRAWN"
    with pytest.raises(DomainError) as error:
        services.withdraw_referral(actor=nurse, referral=referral, reason="again")
    assert error.value.params["allowed"] == []


def test_withdrawing_a_draft_leaves_no_path_event(nurse, client_record, polku_service):
    draft = services.create_referral(actor=nurse, client=client_record, target_service=polku_service, reason="x")
    services.withdraw_referral(actor=nurse, referral=draft, reason="Client changed mind")
    assert Referral.objects.get().status == "withdrawn"
    assert steps(draft) == [("withdrawn", "draft", "withdrawn")]
    assert not PathEvent.objects.exists()


def test_a_missed_call_back_and_an_unreachable_client_are_notes_that_keep_the_status(manual_referral, nurse):
    services.receive_referral(actor=nurse, referral=manual_referral)
    services.record_missed_callback(actor=nurse, referral=manual_referral, note="Call came at 14, phone off")
    services.record_client_unreachable(actor=nurse, referral=manual_referral)
    referral = Referral.objects.get()
    assert (referral.status, referral.callback_missed_at, referral.version) == ("received", at(*NOW), 5)
    assert steps(referral)[-2:] == [("callback_missed", "received", "received"),
                                    ("client_unreachable", "received", "received")]
    events = PathEvent.objects.filter(activity__in=["CALLBACK_MISSED", "CLIENT_UNREACHABLE"])
    assert {(e.service, e.object_type, e.object_id) for e in events} == {
        ("Terveysaseman lääkäri (testi)", "referral", str(referral.pk))}


def test_the_receiving_service_may_record_a_missed_call_back_too(sent_referral, clinic_worker):
    services.record_missed_callback(actor=clinic_worker, referral=sent_referral)
    transition = ReferralTransition.objects.get(step="callback_missed")
    assert transition.side == "recipient"
    assert AccessLog.objects.filter(actor=clinic_worker).get().basis == "referral_recipient"


def test_an_incoming_referral_is_recorded_as_received_and_handled_by_the_care_team(nurse, client_record):
    referral = services.record_incoming_referral(actor=nurse, client=client_record,
                                                 external_sender="Reception centre nurse", reason="Sleep problems",
                                                 received_at=at(2026, 3, 9, 10, 0))
    assert (referral.status, referral.direction, referral.target_service) == ("received", "incoming", None)
    event = PathEvent.objects.get()
    assert (event.activity, event.service, event.at) == ("REFERRAL_RECEIVED", "Reception centre nurse",
                                                         at(2026, 3, 9, 10, 0))
    services.accept_referral(actor=nurse, referral=referral)
    assert Referral.objects.get().status == "accepted"


def test_no_step_is_taken_on_a_merged_client(nurse, client_record, polku_service):
    client_record.status = "closed"
    client_record.save()
    with pytest.raises(DomainError) as error:
        services.create_referral(actor=nurse, client=client_record, target_service=polku_service, reason="x")
    assert error.value.code == "client_not_active"


def test_take_referral_step_dispatches_to_the_steps_own_rules(sent_referral, clinic_worker):
    services.take_referral_step(actor=clinic_worker, referral=sent_referral, step="received")
    services.take_referral_step(actor=clinic_worker, referral=sent_referral, step="rejected", reason="Full")
    assert Referral.objects.get().rejection_reason == "Full"
    with pytest.raises(DomainError) as error:
        services.take_referral_step(actor=clinic_worker, referral=sent_referral, step="expired")
    assert error.value.code == "unknown_step"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the append-only trigger exists on PostgreSQL only")
def test_the_history_rows_cannot_be_updated_or_deleted_on_postgresql(sent_referral):
    from django.db import DatabaseError

    with pytest.raises(DatabaseError), transaction.atomic():
        ReferralTransition.objects.filter(referral=sent_referral).update(note="changed")
    with pytest.raises(DatabaseError), transaction.atomic():
        ReferralTransition.objects.filter(referral=sent_referral).delete()
    assert ReferralTransition.objects.get().note == ""


def test_a_user_of_the_receiving_organisation_without_client_work_is_no_recipient(sent_referral, clinic):
    dispatcher = make_user(role="interpreter_dispatcher", organisation=clinic)
    with pytest.raises(AccessDenied):
        services.receive_referral(actor=dispatcher, referral=sent_referral)
    assert AccessLog.objects.filter(actor=dispatcher).get().basis == "denied"

