"""Service-plan services and selectors: one open plan, dates, owners, versions, path events, access log."""

from datetime import date, timedelta

import pytest
import time_machine
from django.db import IntegrityError, transaction
from django.utils import translation

from polku.casework.models import PathEvent, PlanAction, PlanGoal, PlanStatus, ServicePlan
from polku.casework.selectors import plans as selectors
from polku.casework.services.plans import (
    PlanActionIn,
    activate_plan,
    close_plan,
    create_service_plan,
    mark_action_done,
    update_plan,
)
from polku.core.errors import AccessDenied, Conflict, DomainError
from polku.core.models import AccessLog
from tests.factories import add_to_care_team, make_client

pytestmark = pytest.mark.django_db

TODAY = date(2025, 3, 10)


@pytest.fixture(autouse=True)
def frozen_english():
    """A fixed 'today' for the due-date rule, and messages asserted in English (the msgids)."""
    with time_machine.travel("2025-03-10 10:00 +02:00", tick=False), translation.override("en"):
        yield


@pytest.fixture
def client_record(organisation, nurse, counsellor, team_lead):
    record = make_client(organisation=organisation, created_by=team_lead)
    add_to_care_team(client=record, worker=nurse, assigned_by=team_lead)
    add_to_care_team(client=record, worker=counsellor, assigned_by=team_lead, role="social_counsellor")
    return record


def make_plan(actor, client, **overrides):
    arguments = {
        "agreed_on": TODAY, "review_on": TODAY + timedelta(days=90),
        "goals": ["Sleep better", "Find a Finnish course"],
        "actions": [("Book a doctor's appointment about sleep", actor, TODAY + timedelta(days=7), 0),
                    ("Visit the adult education centre", "the client", TODAY + timedelta(days=21), 1)],
    }
    arguments.update(overrides)
    return create_service_plan(actor=actor, client=client, **arguments)


def test_a_new_plan_is_a_draft_with_its_goals_and_actions_and_no_path_event_yet(nurse, client_record):
    plan = make_plan(nurse, client_record)
    assert (plan.status, plan.version, plan.created_by) == (PlanStatus.DRAFT, 1, nurse)
    assert list(plan.goals.values_list("text", "position")) == [("Sleep better", 0), ("Find a Finnish course", 1)]
    doctor, course = plan.actions.order_by("due_on")
    assert (doctor.owner, doctor.owner_text, doctor.goal.text) == (nurse, "", "Sleep better")
    assert (course.owner, course.owner_text, course.goal.text) == (None, "the client", "Find a Finnish course")
    assert not PathEvent.objects.exists()
    log = AccessLog.objects.get()
    assert (log.actor, log.action, log.basis, log.object_type) == (nurse, "write", "care_relationship",
                                                                   "service_plan")


def test_activating_a_plan_makes_it_active_and_writes_plan_made(nurse, client_record):
    plan = make_plan(nurse, client_record)
    activated = activate_plan(actor=nurse, plan=plan, version=1)
    assert (activated.status, activated.version) == (PlanStatus.ACTIVE, 2)
    event = PathEvent.objects.get()
    assert (event.activity, event.client, event.actor, event.object_id) == ("PLAN_MADE", client_record, nurse,
                                                                             str(plan.pk))
    assert event.attributes == {"goals": 2, "actions": 2, "review_on": "2025-06-08"}


def test_a_plan_without_an_agreement_date_cannot_be_activated(nurse, client_record):
    plan = make_plan(nurse, client_record, agreed_on=None, review_on=None)
    with pytest.raises(DomainError) as refused:
        activate_plan(actor=nurse, plan=plan)
    assert refused.value.field == "agreed_on"
    assert ServicePlan.objects.get().status == PlanStatus.DRAFT
    assert not PathEvent.objects.exists()


def test_a_second_open_plan_is_refused(nurse, counsellor, client_record):
    make_plan(nurse, client_record)
    with pytest.raises(DomainError) as refused:
        make_plan(counsellor, client_record)
    assert refused.value.code == "open_plan_exists"
    assert "already has an open service plan" in str(refused.value.message)
    assert ServicePlan.objects.count() == 1
    assert PlanGoal.objects.count() == 2


def test_the_database_itself_refuses_a_second_open_plan(nurse, client_record):
    make_plan(nurse, client_record)
    with pytest.raises(IntegrityError), transaction.atomic():
        ServicePlan.objects.create(client=client_record, created_by=nurse)


def test_after_closing_the_plan_a_new_one_can_be_made(nurse, client_record):
    plan = make_plan(nurse, client_record)
    close_plan(actor=nurse, plan=plan, reason="replaced")
    assert make_plan(nurse, client_record).status == PlanStatus.DRAFT
    assert ServicePlan.objects.count() == 2


def test_a_review_date_before_the_agreement_is_a_field_error_and_nothing_is_saved(nurse, client_record):
    with pytest.raises(DomainError) as refused:
        make_plan(nurse, client_record, review_on=TODAY - timedelta(days=1))
    assert (refused.value.code, refused.value.field) == ("review_before_agreement", "review_on")
    assert not ServicePlan.objects.exists()


def test_an_action_due_in_the_past_at_creation_is_a_field_error(nurse, client_record):
    with pytest.raises(DomainError) as refused:
        make_plan(nurse, client_record, actions=[("Call the social office", nurse, TODAY - timedelta(days=1), None)])
    assert (refused.value.code, refused.value.field) == ("action_due_in_past", "actions-0-due_on")
    assert not ServicePlan.objects.exists()


@pytest.mark.parametrize(("action", "code", "field"), [
    (("Call", None, None, None), "action_owner_required", "actions-0-owner"),
    (("Call", "  ", None, None), "action_owner_required", "actions-0-owner"),
    (("", "the client", None, None), "action_text", "actions-0-text"),
    (("Call", "the client", None, 5), "action_goal_unknown", "actions-0-goal"),
])
def test_incomplete_actions_are_refused_naming_the_field(nurse, client_record, action, code, field):
    with pytest.raises(DomainError) as refused:
        make_plan(nurse, client_record, actions=[action])
    assert (refused.value.code, refused.value.field) == (code, field)
    assert not ServicePlan.objects.exists()


def test_an_action_cannot_be_given_to_a_worker_outside_the_care_team(nurse, outsider, client_record):
    with pytest.raises(DomainError) as refused:
        make_plan(nurse, client_record, actions=[("Call", outsider, None, None)])
    assert refused.value.code == "action_owner_not_in_team"


def test_a_plan_needs_a_goal(nurse, client_record):
    with pytest.raises(DomainError) as refused:
        make_plan(nurse, client_record, goals=[], actions=[])
    assert refused.value.field == "goals"


def test_a_worker_outside_the_care_team_cannot_make_a_plan_and_the_denial_is_logged(outsider, client_record):
    with pytest.raises(AccessDenied):
        make_plan(outsider, client_record, actions=[])
    log = AccessLog.objects.get()
    assert (log.actor, log.action, log.basis, log.object_type) == (outsider, "write", "denied", "service_plan")
    assert not ServicePlan.objects.exists()


def test_editing_with_a_stale_version_is_a_conflict_and_changes_nothing(nurse, counsellor, client_record):
    plan = make_plan(nurse, client_record)
    update_plan(actor=counsellor, plan=plan, version=1, agreed_on=TODAY, review_on=TODAY + timedelta(days=60),
                goals=["Sleep better"], actions=[])
    with pytest.raises(Conflict) as refused:
        update_plan(actor=nurse, plan=plan, version=1, agreed_on=TODAY, review_on=TODAY + timedelta(days=30),
                    goals=["Something else"], actions=[])
    assert refused.value.code == "stale_plan"
    plan.refresh_from_db()
    assert (plan.version, plan.review_on) == (2, TODAY + timedelta(days=60))
    assert list(plan.goals.values_list("text", flat=True)) == ["Sleep better"]


def test_editing_keeps_done_actions_removes_unlisted_ones_and_adds_new_ones(nurse, client_record):
    plan = make_plan(nurse, client_record)
    doctor, course = plan.actions.order_by("due_on")
    mark_action_done(actor=nurse, action=doctor, version=1)
    updated = update_plan(
        actor=nurse, plan=plan, version=2, agreed_on=TODAY, review_on=TODAY + timedelta(days=90),
        goals=["Sleep better", "Find a Finnish course", "Meet friends"],
        actions=[PlanActionIn("Book a doctor's appointment about sleep", nurse, doctor.due_on, 0, doctor.pk),
                 PlanActionIn("Look for a women's group", "the client", None, 2)])
    assert updated.version == 3
    assert list(updated.goals.values_list("text", flat=True)) == ["Sleep better", "Find a Finnish course",
                                                                   "Meet friends"]
    kept = PlanAction.objects.get(pk=doctor.pk)
    assert kept.done is True
    assert not PlanAction.objects.filter(pk=course.pk).exists()
    assert PlanAction.objects.get(text="Look for a women's group").goal.text == "Meet friends"


def test_an_overdue_action_may_stay_but_a_due_date_cannot_be_moved_into_the_past(nurse, client_record):
    plan = make_plan(nurse, client_record)
    doctor = plan.actions.order_by("due_on").first()
    with time_machine.travel("2025-04-01 10:00 +02:00", tick=False):  # the doctor action is now overdue
        keep = update_plan(actor=nurse, plan=plan, version=1, agreed_on=TODAY, review_on=None,
                           goals=["Sleep better"], actions=[(doctor.text, nurse, doctor.due_on, 0, doctor.pk)])
        assert keep.version == 2
        with pytest.raises(DomainError) as refused:
            update_plan(actor=nurse, plan=plan, version=2, agreed_on=TODAY, review_on=None, goals=["Sleep better"],
                        actions=[(doctor.text, nurse, date(2025, 3, 30), 0, doctor.pk)])
    assert refused.value.field == "actions-0-due_on"


def test_marking_an_action_done_bumps_the_plan_version(nurse, client_record):
    plan = make_plan(nurse, client_record)
    action = plan.actions.first()
    done = mark_action_done(actor=nurse, action=action, version=1)
    assert done.done is True
    assert ServicePlan.objects.get().version == 2
    with pytest.raises(Conflict):
        mark_action_done(actor=nurse, action=action, done=False, version=1)
    assert PlanAction.objects.get(pk=action.pk).done is True


def test_closing_an_active_plan_writes_plan_closed_with_the_coded_reason(nurse, client_record):
    plan = activate_plan(actor=nurse, plan=make_plan(nurse, client_record))
    closed = close_plan(actor=nurse, plan=plan, reason="goals_met", note="Sleeps well, started the course.",
                        version=2)
    assert (closed.status, closed.closed_reason, closed.closed_note, closed.version) == (
        PlanStatus.CLOSED, "goals_met", "Sleeps well, started the course.", 3)
    assert closed.closed_at is not None
    assert list(PathEvent.objects.values_list("activity", flat=True)) == ["PLAN_MADE", "PLAN_CLOSED"]
    assert PathEvent.objects.get(activity="PLAN_CLOSED").attributes == {"reason": "goals_met"}


def test_discarding_a_draft_writes_no_path_event(nurse, client_record):
    close_plan(actor=nurse, plan=make_plan(nurse, client_record), reason="other")
    assert ServicePlan.objects.get().status == PlanStatus.CLOSED
    assert not PathEvent.objects.exists()


def test_closing_needs_a_known_reason(nurse, client_record):
    plan = make_plan(nurse, client_record)
    with pytest.raises(DomainError) as refused:
        close_plan(actor=nurse, plan=plan, reason="bored")
    assert refused.value.field == "reason"
    assert ServicePlan.objects.get().status == PlanStatus.DRAFT


def test_a_closed_plan_can_no_longer_be_changed(nurse, client_record):
    plan = close_plan(actor=nurse, plan=make_plan(nurse, client_record), reason="replaced")
    with pytest.raises(DomainError) as refused:
        update_plan(actor=nurse, plan=plan, version=plan.version, agreed_on=TODAY, review_on=None,
                    goals=["x"], actions=[])
    assert refused.value.code == "plan_closed"
    with pytest.raises(DomainError):
        activate_plan(actor=nurse, plan=plan)


def test_current_plan_is_read_with_goals_actions_and_owners_in_a_fixed_number_of_queries(
        nurse, client_record, django_assert_num_queries):
    make_plan(nurse, client_record)
    nurse.has_perm("core.work_with_clients")  # cached on the user, as in a request
    # care check, access-log insert, the plan, its goals, its actions with owners and goals
    with django_assert_num_queries(5):
        plan = selectors.get_current_plan(viewer=nurse, client=client_record)
        rows = [(a.text, a.owner.username if a.owner else a.owner_text, a.goal.text if a.goal else "")
                for a in plan.actions.all()] + [g.text for g in plan.goals.all()]
    assert len(rows) == 4


def test_a_plan_of_another_client_is_not_found_through_this_client(nurse, client_record, organisation, team_lead):
    other = make_client(organisation=organisation, created_by=team_lead)
    add_to_care_team(client=other, worker=nurse, assigned_by=team_lead)
    plan = make_plan(nurse, other)
    with pytest.raises(AccessDenied):
        selectors.get_plan(viewer=nurse, client=client_record, plan_id=plan.pk)
