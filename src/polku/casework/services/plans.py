"""Writes for the service plan agreed with the client: create, edit, activate, mark actions done, close.

One open (draft or active) plan per client is a database constraint; the services check it first for a
clear message and still catch the constraint for the race. Every change bumps ``version``; a write
made from a stale form gets a Conflict instead of overwriting someone else's change.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import NamedTuple

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from polku.casework.models import (
    CareTeamMembership,
    Client,
    PathEventKind,
    PlanAction,
    PlanCloseReason,
    PlanGoal,
    PlanStatus,
    ServicePlan,
)
from polku.casework.services.path_events import record_path_event
from polku.core import access
from polku.core.errors import Conflict, DomainError
from polku.core.models import AccessAction, User

MAX_TEXT = 500


class PlanActionIn(NamedTuple):
    """One action as given to the services; a plain (text, owner, due_on, goal_index) tuple works too.

    ``owner`` is a care-team worker (User) or a name as text (e.g. "the client", "the reception centre").
    ``action_id`` names an existing action when a plan is edited, so its done state is kept.
    """

    text: str
    owner: User | str | None
    due_on: date | None
    goal_index: int | None = None
    action_id: int | None = None


def _check_access(actor: User, client_id: int, object_id: int | str = "") -> None:
    # Before any transaction: the refusal's access-log row must survive the rollback.
    access.require_client_access(actor=actor, client_id=client_id, action=AccessAction.WRITE,
                                 object_type="service_plan", object_id=object_id)


def _clean_goals(goals: Sequence[str]) -> list[str]:
    cleaned = [(text or "").strip() for text in goals]
    if not cleaned:
        raise DomainError("goal_required", _("Write at least one goal agreed with the client."), field="goals")
    for index, text in enumerate(cleaned):
        if not text:
            raise DomainError("goal_blank", _("Goal %(number)s is empty.") % {"number": index + 1},
                              field=f"goals-{index}-text", params={"index": index})
        if len(text) > MAX_TEXT:
            raise DomainError("goal_too_long", _("Goal %(number)s is longer than %(max)s characters.")
                              % {"number": index + 1, "max": MAX_TEXT}, field=f"goals-{index}-text",
                              params={"index": index})
    return cleaned


def _check_dates(agreed_on: date | None, review_on: date | None) -> None:
    if agreed_on and review_on and review_on < agreed_on:
        raise DomainError("review_before_agreement",
                          _("The review date is before the date the plan was agreed with the client."),
                          field="review_on")


def _care_team_ids(client_id: int) -> set[int]:
    return set(CareTeamMembership.objects.filter(client_id=client_id, ended_at__isnull=True)
               .values_list("worker_id", flat=True))


def _clean_actions(actions: Sequence[PlanActionIn | tuple], *, client_id: int, goal_count: int,
                   existing: dict[int, PlanAction]) -> list[PlanActionIn]:
    """Validate actions: text, one owner from the care team or by name, a goal that exists, no past due date."""
    today = timezone.localdate()
    team = _care_team_ids(client_id)
    cleaned = []
    for index, raw in enumerate(actions):
        action = PlanActionIn(*raw)
        number = {"number": index + 1}

        def refuse(code: str, message: str, part: str, _index: int = index) -> DomainError:
            return DomainError(code, message, field=f"actions-{_index}-{part}", params={"index": _index})

        text = (action.text or "").strip()
        if not text or len(text) > MAX_TEXT:
            raise refuse("action_text", _("Describe action %(number)s in at most 500 characters.") % number, "text")
        owner = action.owner.strip() if isinstance(action.owner, str) else action.owner
        if not owner:
            raise refuse("action_owner_required", _("Name who does action %(number)s.") % number, "owner")
        if isinstance(owner, User) and owner.pk not in team:
            raise refuse("action_owner_not_in_team",
                         _("The owner of action %(number)s is not in the client's care team.") % number, "owner")
        if isinstance(owner, str) and len(owner) > 200:
            raise refuse("action_owner_too_long", _("The owner of action %(number)s is too long.") % number,
                         "owner_text")
        if action.goal_index is not None and not 0 <= action.goal_index < goal_count:
            raise refuse("action_goal_unknown", _("Action %(number)s refers to a goal that is not in the plan.")
                         % number, "goal")
        if action.action_id is not None and action.action_id not in existing:
            raise refuse("action_unknown", _("Action %(number)s is not part of this plan.") % number, "text")
        previous_due = existing[action.action_id].due_on if action.action_id is not None else None
        # Only a new or changed due date must lie ahead: an old action may be overdue and still be kept.
        if action.due_on is not None and action.due_on < today and action.due_on != previous_due:
            raise refuse("action_due_in_past", _("The due date of action %(number)s is in the past.") % number,
                         "due_on")
        cleaned.append(action._replace(text=text, owner=owner))
    return cleaned


def _save_actions(plan: ServicePlan, goals: list[PlanGoal], actions: list[PlanActionIn],
                  existing: dict[int, PlanAction]) -> None:
    keep = set()
    for action in actions:
        owner = action.owner if isinstance(action.owner, User) else None
        fields = {"text": action.text, "owner": owner, "owner_text": action.owner if owner is None else "",
                  "due_on": action.due_on,
                  "goal": goals[action.goal_index] if action.goal_index is not None else None}
        if action.action_id is not None:
            row = existing[action.action_id]
            for name, value in fields.items():
                setattr(row, name, value)
            row.save(update_fields=list(fields))
            keep.add(row.pk)
        else:
            PlanAction.objects.create(plan=plan, **fields)
    PlanAction.objects.filter(pk__in=set(existing) - keep).delete()


def _open_plan_exists() -> DomainError:
    return DomainError("open_plan_exists", _("The client already has an open service plan. Edit it, or close it "
                                             "before making a new one."), field="plan")


def create_service_plan(*, actor: User, client: Client, agreed_on: date | None, review_on: date | None,
                        goals: Sequence[str], actions: Sequence[PlanActionIn | tuple] = ()) -> ServicePlan:
    """Make a draft plan with goals and actions; refused while the client has another open plan."""
    _check_access(actor, client.pk)
    goal_texts = _clean_goals(goals)
    _check_dates(agreed_on, review_on)
    cleaned = _clean_actions(actions, client_id=client.pk, goal_count=len(goal_texts), existing={})
    if ServicePlan.objects.filter(client=client).exclude(status=PlanStatus.CLOSED).exists():
        raise _open_plan_exists()
    try:
        with transaction.atomic():
            plan = ServicePlan.objects.create(client=client, agreed_on=agreed_on, review_on=review_on,
                                              created_by=actor)
            goal_rows = PlanGoal.objects.bulk_create(
                PlanGoal(plan=plan, text=text, position=position) for position, text in enumerate(goal_texts))
            _save_actions(plan, goal_rows, cleaned, existing={})
    except IntegrityError:
        # Two workers created a plan at the same moment; the partial unique index kept one.
        raise _open_plan_exists() from None
    return plan


def _locked(plan: ServicePlan, version: int | None) -> ServicePlan:
    current = ServicePlan.objects.select_for_update().get(pk=plan.pk)
    if version is not None and current.version != version:
        raise Conflict("stale_plan", _("Someone else changed this plan after you opened it. Reload the plan and "
                                       "make your change again."), field="version")
    if current.status == PlanStatus.CLOSED:
        raise DomainError("plan_closed", _("This plan is closed and can no longer be changed."), field="plan")
    return current


def _bump(plan: ServicePlan, **changes) -> ServicePlan:
    for name, value in changes.items():
        setattr(plan, name, value)
    plan.version += 1
    plan.save(update_fields=[*changes, "version"])
    return plan


def update_plan(*, actor: User, plan: ServicePlan, version: int, agreed_on: date | None, review_on: date | None,
                goals: Sequence[str], actions: Sequence[PlanActionIn | tuple]) -> ServicePlan:
    """Replace the plan's dates, goals and actions; a stale ``version`` raises Conflict and changes nothing."""
    _check_access(actor, plan.client_id, plan.pk)
    goal_texts = _clean_goals(goals)
    _check_dates(agreed_on, review_on)
    with transaction.atomic():
        current = _locked(plan, version)
        existing = {a.pk: a for a in PlanAction.objects.filter(plan=current)}
        cleaned = _clean_actions(actions, client_id=current.client_id, goal_count=len(goal_texts),
                                 existing=existing)
        goal_rows = list(PlanGoal.objects.filter(plan=current).order_by("position", "id"))
        for position, text in enumerate(goal_texts):  # goals keep their achieved flag by position
            if position < len(goal_rows):
                goal_rows[position].text, goal_rows[position].position = text, position
                goal_rows[position].save(update_fields=["text", "position"])
            else:
                goal_rows.append(PlanGoal.objects.create(plan=current, text=text, position=position))
        PlanGoal.objects.filter(pk__in=[g.pk for g in goal_rows[len(goal_texts):]]).delete()
        _save_actions(current, goal_rows[:len(goal_texts)], cleaned, existing)
        return _bump(current, agreed_on=agreed_on, review_on=review_on)


def activate_plan(*, actor: User, plan: ServicePlan, version: int | None = None) -> ServicePlan:
    """Draft → active once agreed with the client; writes PLAN_MADE."""
    _check_access(actor, plan.client_id, plan.pk)
    with transaction.atomic():
        current = _locked(plan, version)
        if current.status != PlanStatus.DRAFT:
            raise DomainError("plan_not_draft", _("Only a draft plan can be activated."), field="plan")
        if current.agreed_on is None:
            raise DomainError("agreement_date_required", _("Enter the date the plan was agreed with the client "
                                                           "before activating it."), field="agreed_on")
        current = _bump(current, status=PlanStatus.ACTIVE)
        record_path_event(client=current.client, activity=PathEventKind.PLAN_MADE, actor=actor, subject=current,
                          attributes={"goals": current.goals.count(), "actions": current.actions.count(),
                                      "review_on": current.review_on.isoformat() if current.review_on else None})
    return current


def mark_action_done(*, actor: User, action: PlanAction, done: bool = True,
                     version: int | None = None) -> PlanAction:
    """Mark one action of an open plan done (or not done again); bumps the plan's version."""
    _check_access(actor, action.plan.client_id, action.plan_id)
    with transaction.atomic():
        plan = _locked(action.plan, version)
        row = PlanAction.objects.select_for_update().get(pk=action.pk, plan=plan)
        row.done = done
        row.save(update_fields=["done"])
        _bump(plan)
    return row


def close_plan(*, actor: User, plan: ServicePlan, reason: str, note: str = "",
               version: int | None = None) -> ServicePlan:
    """Close an open plan with a coded reason; an active plan's closing writes PLAN_CLOSED."""
    _check_access(actor, plan.client_id, plan.pk)
    if reason not in PlanCloseReason.values:
        raise DomainError("close_reason_required", _("Choose why the plan is closed."), field="reason")
    note = (note or "").strip()
    if len(note) > MAX_TEXT:
        raise DomainError("close_note_too_long", _("The note is longer than 500 characters."), field="note")
    with transaction.atomic():
        current = _locked(plan, version)
        was_active = current.status == PlanStatus.ACTIVE
        current = _bump(current, status=PlanStatus.CLOSED, closed_at=timezone.now(), closed_reason=reason,
                        closed_note=note)
        # A discarded draft never entered the client's path (no PLAN_MADE), so it leaves no PLAN_CLOSED either.
        if was_active:
            record_path_event(client=current.client, activity=PathEventKind.PLAN_CLOSED, actor=actor,
                              subject=current, attributes={"reason": reason})
    return current
