"""CarePlan: the service plan agreed with the client, its goals (contained Goal resources) and actions."""

from __future__ import annotations

from typing import Any

from polku.api.fhir.resources.base import (
    CS,
    ResourceType,
    SearchResult,
    client_scope,
    day,
    drop_empty,
    instant,
    not_found,
    ref,
    register,
)
from polku.api.fhir.search import Params, int_id, token_codes
from polku.casework.models import PlanAction, PlanStatus, ServicePlan
from polku.casework.selectors.clients import client_reference
from polku.casework.selectors.plans import get_plan
from polku.core.errors import AccessDenied
from polku.core.models import User

PLAN_STATUS = {PlanStatus.DRAFT: "draft", PlanStatus.ACTIVE: "active", PlanStatus.CLOSED: "completed"}


def _action(action: PlanAction) -> dict[str, Any]:
    detail = drop_empty({
        "status": "completed" if action.done else "not-started", "description": action.text,
        "scheduledPeriod": {"end": day(action.due_on)} if action.due_on else None,
        "performer": [ref("Practitioner", action.owner_id)] if action.owner_id
        else ([{"display": action.owner_text}] if action.owner_text else []),
        "goal": [{"reference": f"#goal-{action.goal_id}"}] if action.goal_id else [],
    })
    return {"detail": detail}


def care_plan(plan: ServicePlan) -> dict[str, Any]:
    goals = [drop_empty({
        "resourceType": "Goal", "id": f"goal-{goal.pk}",
        "lifecycleStatus": "completed" if goal.achieved else ("active" if plan.status != PlanStatus.DRAFT
                                                              else "proposed"),
        "achievementStatus": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/goal-achievement",
                                          "code": "achieved" if goal.achieved else "in-progress"}]},
        "description": {"text": goal.text}, "subject": ref("Patient", plan.client_id),
    }) for goal in plan.goals.all()]
    return drop_empty({
        "resourceType": "CarePlan", "id": str(plan.pk), "contained": goals,
        "status": PLAN_STATUS[plan.status], "intent": "plan", "title": "Service plan",
        "subject": ref("Patient", plan.client_id),
        "period": drop_empty({"start": day(plan.agreed_on), "end": day(plan.closed_at.date()) if plan.closed_at
                              else None}),
        "created": instant(plan.created_at), "author": ref("Practitioner", plan.created_by_id),
        "goal": [{"reference": f"#goal-{goal.pk}"} for goal in plan.goals.all()],
        "activity": [_action(action) for action in plan.actions.all()],
        "note": [{"text": f"Review on {plan.review_on.isoformat()}"}] if plan.review_on else [],
        "extension": [{"url": f"{CS}/plan-close-reason", "valueCode": plan.closed_reason}]
        if plan.closed_reason else [],
    })


def _plans():
    return ServicePlan.objects.prefetch_related("goals", "actions").order_by("created_at", "pk")


@register
class CarePlanType(ResourceType):
    name = "CarePlan"
    search_params = {"_id": "token", "patient": "reference", "status": "token"}

    def read(self, *, viewer: User, ident: str) -> dict[str, Any]:
        if not ident.isdigit() or len(ident) > 18:
            raise not_found(self.name, ident)
        client_id = ServicePlan.objects.filter(pk=int(ident)).values_list("client_id", flat=True).first()
        try:
            if client_id is None:
                raise AccessDenied("plan_not_found", "No such plan.")
            plan = get_plan(viewer=viewer, client=client_reference(client_id=client_id), plan_id=int(ident))
        except AccessDenied:
            raise not_found(self.name, ident) from None
        return care_plan(plan)

    def search(self, *, viewer: User, params: Params) -> SearchResult:
        scope = client_scope(viewer=viewer, params=params, object_type="fhir_care_plan_search")
        rows = scope.apply(_plans())
        if params.get("_id"):
            rows = rows.filter(pk__in=[int_id("_id", v) for v in params.get("_id").split(",")])
        if params.get("status"):
            codes = token_codes("status", params.get("status"), set(PLAN_STATUS.values())
                                | {"on-hold", "revoked", "entered-in-error", "unknown"})
            rows = rows.filter(status__in=[k for k, v in PLAN_STATUS.items() if v in codes])
        return SearchResult(rows=rows, to_fhir=care_plan, client_of=scope.client_of(lambda row: row.client_id))
