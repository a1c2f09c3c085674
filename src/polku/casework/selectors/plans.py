"""Reads of service plans; every function goes through the access core (object type ``service_plan``)."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext_lazy as _

from polku.casework.models import CareTeamMembership, Client, PlanAction, PlanStatus, ServicePlan
from polku.core import access
from polku.core.errors import AccessDenied
from polku.core.models import AccessAction, User


def _check(viewer: User, client: Client, object_id: int | str = "") -> None:
    access.require_client_access(actor=viewer, client_id=client.pk, action=AccessAction.READ,
                                 object_type="service_plan", object_id=object_id)


def _plans(client: Client) -> QuerySet[ServicePlan]:
    return (ServicePlan.objects.filter(client=client).select_related("created_by")
            .prefetch_related("goals", Prefetch("actions", queryset=PlanAction.objects.select_related("owner",
                                                                                                        "goal"))))


def get_current_plan(*, viewer: User, client: Client) -> ServicePlan | None:
    """The client's open (draft or active) plan with goals and actions, or None."""
    _check(viewer, client)
    return current_plan_of_checked_client(client=client)


def current_plan_of_checked_client(*, client: Client) -> ServicePlan | None:
    """get_current_plan for a page that has already checked and logged its read of this client (the client page)."""
    return _plans(client).exclude(status=PlanStatus.CLOSED).first()


def get_plan(*, viewer: User, client: Client, plan_id: int) -> ServicePlan:
    """One plan of this client (any status); AccessDenied (shown as 404) when there is none."""
    _check(viewer, client, plan_id)
    plan = _plans(client).filter(pk=plan_id).first()
    if plan is None:
        raise AccessDenied("plan_not_found", _("No such plan."))
    return plan


def get_plan_action(*, viewer: User, client: Client, plan_id: int, action_id: int) -> PlanAction:
    """One action of one plan of this client; AccessDenied when the ids do not belong together."""
    _check(viewer, client, plan_id)
    action = (PlanAction.objects.select_related("plan")
              .filter(pk=action_id, plan_id=plan_id, plan__client=client).first())
    if action is None:
        raise AccessDenied("plan_action_not_found", _("No such action."))
    return action


def list_closed_plans(*, viewer: User, client: Client) -> list[ServicePlan]:
    """Earlier (closed) plans of the client, newest first, without their goals and actions."""
    _check(viewer, client)
    return list(ServicePlan.objects.filter(client=client, status=PlanStatus.CLOSED).order_by("-closed_at", "-id"))


def list_care_team_workers(*, viewer: User, client: Client) -> list[User]:
    """Workers in the client's care team now: the people an action can be given to."""
    _check(viewer, client)
    memberships = (CareTeamMembership.objects.filter(client=client, ended_at__isnull=True)
                   .select_related("worker").order_by("worker__last_name", "worker__first_name"))
    return [membership.worker for membership in memberships]
