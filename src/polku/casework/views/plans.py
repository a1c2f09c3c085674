"""Views for the service-plan slice: make, edit, activate and close the plan; mark actions done."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from polku.casework.forms.plans import ClosePlanForm, PlanFormBundle, VersionForm
from polku.casework.models import Client, PlanStatus, ServicePlan
from polku.casework.selectors import plans as selectors
from polku.casework.services import plans as services
from polku.casework.views.screening import attempt, client_view
from polku.core.errors import AccessDenied, DomainError
from polku.core.models import User


def section_context(*, viewer: User, client: Client) -> dict:
    """Context for this slice's section on the client page (the client is already access-checked)."""
    return {"plan_section": {"client": client, "plan": selectors.current_plan_of_checked_client(client=client)}}


def _form_page(request, client: Client, forms: PlanFormBundle, plan: ServicePlan | None = None):
    title = _("Edit the service plan") if plan else _("New service plan")
    status = 409 if forms.conflict else (400 if forms.is_bound else 200)
    return render(request, "casework/plan_form.html", {"client": client, "forms": forms, "plan": plan,
                                                       "title": title}, status=status)


def _posted_version(request) -> int:
    """The plan version the button was shown with; a missing one can never match, so it ends as a Conflict."""
    form = VersionForm(request.POST)
    return form.cleaned_data["version"] if form.is_valid() else -1


def _refused(request, client: Client, plan: ServicePlan, error: DomainError):
    """A button's action was refused: back to the plan with the message (409 for a stale version)."""
    if isinstance(error, AccessDenied):
        raise error
    messages.error(request, str(error.message))
    return redirect("casework:plan_detail", client.pk, plan.pk)


@client_view
def plan_new(request, client: Client):
    current = selectors.get_current_plan(viewer=request.user, client=client)
    if current is not None and request.method == "GET":
        return render(request, "casework/plan_exists.html", {"client": client, "plan": current})
    forms = PlanFormBundle(request.POST or None,
                           workers=selectors.list_care_team_workers(viewer=request.user, client=client))
    plan = request.method == "POST" and forms.is_valid() and attempt(forms, lambda: services.create_service_plan(
        actor=request.user, client=client, **forms.service_kwargs()))
    if plan:
        messages.success(request, _("The service plan is saved as a draft."))
        return redirect("casework:plan_detail", client.pk, plan.pk)
    return _form_page(request, client, forms)


@client_view
def plan_detail(request, client: Client, plan_id: int):
    plan = selectors.get_plan(viewer=request.user, client=client, plan_id=plan_id)
    return render(request, "casework/plan_detail.html", {
        "client": client, "plan": plan, "earlier": selectors.list_closed_plans(viewer=request.user, client=client),
        "open": plan.status != PlanStatus.CLOSED})


@client_view
def plan_edit(request, client: Client, plan_id: int):
    plan = selectors.get_plan(viewer=request.user, client=client, plan_id=plan_id)
    workers = selectors.list_care_team_workers(viewer=request.user, client=client)
    forms = PlanFormBundle(request.POST or None, workers=workers, plan=plan)
    saved = request.method == "POST" and forms.is_valid() and attempt(forms, lambda: services.update_plan(
        actor=request.user, plan=plan, version=forms.version, **forms.service_kwargs()))
    if saved:
        messages.success(request, _("The service plan is updated."))
        return redirect("casework:plan_detail", client.pk, plan.pk)
    return _form_page(request, client, forms, plan)


@require_POST
@client_view
def plan_activate(request, client: Client, plan_id: int):
    plan = selectors.get_plan(viewer=request.user, client=client, plan_id=plan_id)
    try:
        services.activate_plan(actor=request.user, plan=plan, version=_posted_version(request))
    except DomainError as error:
        return _refused(request, client, plan, error)
    messages.success(request, _("The service plan is active."))
    return redirect("casework:plan_detail", client.pk, plan.pk)


@require_POST
@client_view
def plan_action_done(request, client: Client, plan_id: int, action_id: int):
    action = selectors.get_plan_action(viewer=request.user, client=client, plan_id=plan_id, action_id=action_id)
    try:
        services.mark_action_done(actor=request.user, action=action, done=request.POST.get("done") == "1",
                                  version=_posted_version(request))
    except DomainError as error:
        return _refused(request, client, action.plan, error)
    return redirect("casework:plan_detail", client.pk, plan_id)


@client_view
def plan_close(request, client: Client, plan_id: int):
    plan = selectors.get_plan(viewer=request.user, client=client, plan_id=plan_id)
    form = ClosePlanForm(request.POST or None, initial={"version": plan.version})
    closed = request.method == "POST" and form.is_valid() and attempt(form, lambda: services.close_plan(
        actor=request.user, plan=plan, **form.cleaned_data))
    if closed:
        messages.success(request, _("The service plan is closed."))
        return redirect("casework:plan_detail", client.pk, plan.pk)
    return render(request, "casework/plan_close.html", {"client": client, "plan": plan, "form": form},
                  status=400 if form.errors else 200)


urlpatterns = [
    path("<int:client_id>/suunnitelma/uusi/", plan_new, name="plan_new"),
    path("<int:client_id>/suunnitelma/<int:plan_id>/", plan_detail, name="plan_detail"),
    path("<int:client_id>/suunnitelma/<int:plan_id>/muokkaa/", plan_edit, name="plan_edit"),
    path("<int:client_id>/suunnitelma/<int:plan_id>/aktivoi/", plan_activate, name="plan_activate"),
    path("<int:client_id>/suunnitelma/<int:plan_id>/sulje/", plan_close, name="plan_close"),
    path("<int:client_id>/suunnitelma/<int:plan_id>/toimenpiteet/<int:action_id>/tehty/", plan_action_done,
         name="plan_action_done"),
]
