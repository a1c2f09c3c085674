"""Care teams: the team lead assigns the nurse + social counsellor pair; memberships end, never vanish."""

import threading

import pytest
from django.db import connection

from polku.casework.models import CareTeamMembership, PathEvent
from polku.casework.services.care_team import (
    assign_care_team,
    change_care_team,
    end_care_membership,
    take_client,
)
from polku.core import access
from polku.core.errors import AccessDenied, DomainError
from polku.core.models import AccessLog
from tests.factories import OrganisationFactory, add_to_care_team, make_client, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def client_record(organisation, team_lead):
    return make_client(organisation=organisation, created_by=team_lead)


def test_team_lead_assigns_the_pair_and_the_pair_gets_access(team_lead, nurse, counsellor, client_record):
    memberships = assign_care_team(actor=team_lead, client=client_record,
                                   workers=[(nurse, "nurse"), (counsellor, "social_counsellor")])
    assert {(m.worker, m.role, m.assigned_by, m.ended_at) for m in memberships} == {
        (nurse, "nurse", team_lead, None), (counsellor, "social_counsellor", team_lead, None)}
    event = PathEvent.objects.get(client=client_record)
    assert (event.activity, event.actor) == ("CARE_TEAM_ASSIGNED", team_lead)
    assert event.attributes["pair"] is True
    assert sorted(m["role"] for m in event.attributes["team"]) == ["nurse", "social_counsellor"]
    row = AccessLog.objects.get()
    assert (row.actor, row.client_id, row.basis, row.object_type) == (team_lead, client_record.pk, "administrative",
                                                                       "care_team")
    # Assignment is what creates the care relationship, for the pair and not for the lead.
    assert access.has_care_relationship(user=nurse, client_id=client_record.pk)
    assert access.has_care_relationship(user=counsellor, client_id=client_record.pk)
    assert not access.has_care_relationship(user=team_lead, client_id=client_record.pk)


def test_assigning_other_than_a_nurse_and_a_social_counsellor_needs_a_reason(team_lead, nurse, outsider,
                                                                           client_record):
    for workers in ([(nurse, "nurse")], [(nurse, "nurse"), (outsider, "psychologist")]):
        with pytest.raises(DomainError) as error:
            assign_care_team(actor=team_lead, client=client_record, workers=workers)
        assert (error.value.code, error.value.field) == ("pair_exception_reason_required", "exception_reason")
    assert not CareTeamMembership.objects.exists() and not PathEvent.objects.exists()
    assign_care_team(actor=team_lead, client=client_record, workers=[(nurse, "nurse")],
                     exception_reason="No social counsellor free this month")
    event = PathEvent.objects.get()
    assert (event.attributes["pair"], event.attributes["exception_reason"]) == (
        False, "No social counsellor free this month")


def test_a_professional_who_is_not_a_team_lead_cannot_assign(nurse, counsellor, client_record):
    with pytest.raises(AccessDenied):
        assign_care_team(actor=nurse, client=client_record, workers=[(nurse, "nurse"), (counsellor,
                                                                                        "social_counsellor")])
    assert not CareTeamMembership.objects.exists()
    row = AccessLog.objects.get()
    assert (row.actor, row.basis) == (nurse, "denied")


def test_a_team_lead_of_another_organisation_cannot_assign(nurse, counsellor, client_record):
    stranger = make_user(role="team_lead", profession="nurse", organisation=OrganisationFactory())
    with pytest.raises(AccessDenied):
        assign_care_team(actor=stranger, client=client_record, workers=[(nurse, "nurse"),
                                                                        (counsellor, "social_counsellor")])
    assert not CareTeamMembership.objects.exists()


def test_workers_of_another_organisation_or_role_cannot_be_assigned(team_lead, nurse, counsellor, client_record):
    foreign_counsellor = make_user(role="professional", profession="social_counsellor",
                                   organisation=OrganisationFactory())
    with pytest.raises(DomainError) as error:
        assign_care_team(actor=team_lead, client=client_record,
                         workers=[(nurse, "nurse"), (foreign_counsellor, "social_counsellor")])
    assert error.value.code == "worker_in_other_organisation"
    with pytest.raises(DomainError) as error:
        assign_care_team(actor=team_lead, client=client_record,
                         workers=[(counsellor, "nurse"), (nurse, "social_counsellor")])
    assert error.value.code == "role_does_not_match_profession"
    dispatcher = make_user(role="interpreter_dispatcher", organisation=client_record.organisation)
    with pytest.raises(DomainError) as error:
        assign_care_team(actor=team_lead, client=client_record, workers=[(dispatcher, "other")],
                         exception_reason="test")
    assert error.value.code == "worker_cannot_work_with_clients"
    assert not CareTeamMembership.objects.exists()


def test_a_client_with_a_care_team_is_not_assigned_again(team_lead, nurse, counsellor, outsider, client_record):
    pair = [(nurse, "nurse"), (counsellor, "social_counsellor")]
    assign_care_team(actor=team_lead, client=client_record, workers=pair)
    with pytest.raises(DomainError) as error:
        assign_care_team(actor=team_lead, client=client_record, workers=[(outsider, "psychologist")],
                         exception_reason="second opinion")
    assert error.value.code == "care_team_exists"
    assert CareTeamMembership.objects.count() == 2


def test_a_professional_takes_a_client_they_registered(nurse, organisation):
    client = make_client(organisation=organisation, created_by=nurse)
    membership = take_client(actor=nurse, client=client)
    assert (membership.worker, membership.role, membership.assigned_by) == (nurse, "nurse", nurse)
    event = PathEvent.objects.get(client=client)
    assert (event.activity, event.attributes["taken"]) == ("CARE_TEAM_ASSIGNED", True)
    assert access.has_care_relationship(user=nurse, client_id=client.pk)


def test_nobody_takes_a_client_someone_else_registered_or_one_already_taken(nurse, counsellor, organisation):
    client = make_client(organisation=organisation, created_by=nurse)
    with pytest.raises(AccessDenied):
        take_client(actor=counsellor, client=client)
    take_client(actor=nurse, client=client)
    with pytest.raises(DomainError) as error:
        take_client(actor=nurse, client=client)
    assert error.value.code == "client_already_taken"
    assert CareTeamMembership.objects.count() == 1


def test_ending_a_membership_keeps_the_row_and_removes_access(team_lead, nurse, counsellor, client_record):
    memberships = assign_care_team(actor=team_lead, client=client_record,
                                   workers=[(nurse, "nurse"), (counsellor, "social_counsellor")])
    nurse_membership = next(m for m in memberships if m.worker == nurse)
    with pytest.raises(DomainError) as error:
        end_care_membership(actor=team_lead, membership=nurse_membership, reason=" ")
    assert error.value.field == "reason"
    end_care_membership(actor=team_lead, membership=nurse_membership, reason="Moved to another unit")
    nurse_membership.refresh_from_db()
    assert nurse_membership.ended_at is not None and nurse_membership.end_reason == "Moved to another unit"
    assert CareTeamMembership.objects.count() == 2
    assert not access.has_care_relationship(user=nurse, client_id=client_record.pk)
    event = PathEvent.objects.filter(client=client_record).last()
    assert (event.activity, event.attributes["ended"]) == ("CARE_TEAM_CHANGED", [nurse.pk])


def test_a_worker_may_leave_a_care_team_but_not_remove_a_colleague(nurse, counsellor, client_record):
    own = add_to_care_team(client=client_record, worker=nurse)
    colleague = add_to_care_team(client=client_record, worker=counsellor, role="social_counsellor")
    with pytest.raises(AccessDenied):
        end_care_membership(actor=nurse, membership=colleague, reason="Not needed")
    end_care_membership(actor=nurse, membership=own, reason="Parental leave")
    own.refresh_from_db()
    colleague.refresh_from_db()
    assert own.ended_at is not None and colleague.ended_at is None


def test_changing_the_care_team_replaces_a_worker_in_one_step(team_lead, nurse, counsellor, organisation,
                                                              client_record):
    memberships = assign_care_team(actor=team_lead, client=client_record,
                                   workers=[(nurse, "nurse"), (counsellor, "social_counsellor")])
    new_nurse = make_user(role="professional", profession="nurse", organisation=organisation)
    old = next(m for m in memberships if m.worker == nurse)
    [added] = change_care_team(actor=team_lead, client=client_record, reason="Nurse retired",
                               add=[(new_nurse, "nurse")], end=[old])
    old.refresh_from_db()
    assert (old.end_reason, added.worker, added.ended_at) == ("Nurse retired", new_nurse, None)
    active = CareTeamMembership.objects.filter(client=client_record, ended_at__isnull=True)
    assert set(active.values_list("role", flat=True)) == {"nurse", "social_counsellor"}
    event = PathEvent.objects.filter(activity="CARE_TEAM_CHANGED").get()
    assert (event.attributes["ended"], event.attributes["added"]) == ([nurse.pk], [new_nurse.pk])


def test_a_change_that_breaks_the_pair_needs_a_reason_and_changes_nothing_without_one(
        team_lead, nurse, counsellor, outsider, client_record):
    assign_care_team(actor=team_lead, client=client_record,
                     workers=[(nurse, "nurse"), (counsellor, "social_counsellor")])
    with pytest.raises(DomainError) as error:
        change_care_team(actor=team_lead, client=client_record, reason="Trauma focus",
                         add=[(outsider, "psychologist")])
    assert error.value.field == "exception_reason"
    assert CareTeamMembership.objects.count() == 2
    change_care_team(actor=team_lead, client=client_record, reason="Trauma focus", add=[(outsider, "psychologist")],
                     exception_reason="Psychologist joins for trauma therapy")
    assert CareTeamMembership.objects.filter(ended_at__isnull=True).count() == 3


def test_a_professional_cannot_change_the_care_team(nurse, counsellor, outsider, client_record):
    add_to_care_team(client=client_record, worker=nurse)
    with pytest.raises(AccessDenied):
        change_care_team(actor=nurse, client=client_record, reason="x", add=[(outsider, "psychologist")],
                         exception_reason="x")
    assert CareTeamMembership.objects.count() == 1
    assert AccessLog.objects.get().basis == "denied"


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL; SQLite locks the file")
def test_two_team_leads_assigning_at_once_give_one_care_team(organisation, nurse, counsellor):
    """The select_for_update on the client serialises the two; the second sees the first's team."""
    leads = [make_user(role="team_lead", profession="nurse", organisation=organisation) for _ in range(2)]
    client = make_client(organisation=organisation, created_by=leads[0])
    barrier = threading.Barrier(2)
    outcomes = []

    def assign(lead):
        try:
            barrier.wait()
            assign_care_team(actor=lead, client=client,
                             workers=[(nurse, "nurse"), (counsellor, "social_counsellor")])
            outcomes.append("assigned")
        except DomainError as error:
            outcomes.append(error.code)
        finally:
            connection.close()  # this thread's own connection, so the test database can be dropped

    threads = [threading.Thread(target=assign, args=(lead,)) for lead in leads]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["assigned", "care_team_exists"]
    assert CareTeamMembership.objects.filter(client=client).count() == 2
    assert PathEvent.objects.filter(client=client, activity="CARE_TEAM_ASSIGNED").count() == 1
