"""The data controller's pages: retention runs, a client's data export, restrictions of processing."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from polku.core.errors import DomainError
from polku.core.web import apply_domain_error
from polku.lifecycle import services
from polku.lifecycle.forms import ApplyForm, ClientRequestForm, DecisionForm, LiftForm
from polku.lifecycle.models import ProcessingRestriction, RetentionRun, RunStatus
from polku.lifecycle.policy import RULES

controller_only = permission_required("core.act_as_data_controller", raise_exception=True)


@login_required
@controller_only
def index(request):
    return render(request, "lifecycle/index.html", _index_context(request))


@login_required
@controller_only
@require_POST
def plan(request):
    run = services.plan_retention(actor=request.user)
    count = run.items.count()
    messages.success(request, ngettext("Retention plan made: %(count)d item waits for approval.",
                                       "Retention plan made: %(count)d items wait for approval.", count)
                     % {"count": count})
    return redirect("lifecycle:run", run_id=run.pk)


@login_required
@controller_only
def run_detail(request, run_id: int):
    run = get_object_or_404(RetentionRun, pk=run_id)
    decision_form = DecisionForm(request.POST or None) if run.status == RunStatus.PLANNED else None
    if decision_form is not None and request.method == "POST" and decision_form.is_valid():
        try:
            services.decide_retention(actor=request.user, run=run,
                                      approve=decision_form.cleaned_data["decision"] == "approve",
                                      note=decision_form.cleaned_data["note"])
        except DomainError as error:
            apply_domain_error(decision_form, error)
        else:
            messages.success(request, _("Decision saved."))
            return redirect("lifecycle:run", run_id=run.pk)
    items = run.items.all()
    summary = {}
    for item in items:
        entry = summary.setdefault(item.record_type, {"items": 0, "rows": 0})
        entry["items"] += 1
        entry["rows"] += item.rows
    labels = {rule.record_type: rule.label for rule in RULES}
    return render(request, "lifecycle/run.html", {
        "run": run, "decision_form": decision_form, "apply_form": ApplyForm() if run.status == "approved" else None,
        "summary": [(labels.get(kind, kind), numbers) for kind, numbers in sorted(summary.items())],
        "clients": Paginator([i for i in items if i.record_type == "client_record"], 50).get_page(
            request.GET.get("page"))})


@login_required
@controller_only
@require_POST
def apply(request, run_id: int):
    run = get_object_or_404(RetentionRun, pk=run_id)
    form = ApplyForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Confirm the removal first."))
        return redirect("lifecycle:run", run_id=run.pk)
    try:
        services.apply_retention(actor=request.user, run=run)
    except DomainError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("The retention run was applied."))
    return redirect("lifecycle:run", run_id=run.pk)


@login_required
@controller_only
@require_POST
def client_export(request):
    form = ClientRequestForm(request.POST)
    if form.is_valid():
        try:
            document = services.export_client_data(actor=request.user, client_id=form.cleaned_data["client"],
                                                   reason=form.cleaned_data["reason"])
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            response = HttpResponse(document, content_type="application/json; charset=utf-8")
            response["Content-Disposition"] = (
                f'attachment; filename="polku-client-{form.cleaned_data["client"]}.json"')
            return response
    return _index_with(request, client_form=form)


@login_required
@controller_only
@require_POST
def restrict(request):
    form = ClientRequestForm(request.POST)
    if form.is_valid():
        try:
            services.restrict_processing(actor=request.user, client_id=form.cleaned_data["client"],
                                         reason=form.cleaned_data["reason"])
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            messages.success(request, _("Processing is now restricted: the client's data can be read but not "
                                        "changed."))
            return redirect("lifecycle:index")
    return _index_with(request, client_form=form)


@login_required
@controller_only
@require_POST
def lift(request, restriction_id: int):
    restriction = get_object_or_404(ProcessingRestriction, pk=restriction_id)
    form = LiftForm(request.POST)
    if form.is_valid():
        try:
            services.lift_restriction(actor=request.user, restriction=restriction, note=form.cleaned_data["note"])
        except DomainError as error:
            messages.error(request, str(error.message))
        else:
            messages.success(request, _("The restriction was lifted."))
    else:
        messages.error(request, _("Say why the restriction is lifted."))
    return redirect("lifecycle:index")


def _index_context(request, **forms) -> dict:
    runs = Paginator(RetentionRun.objects.select_related("planned_by", "decided_by"), 20).get_page(
        request.GET.get("page"))
    restrictions = ProcessingRestriction.objects.filter(lifted_at__isnull=True).select_related("restricted_by")
    return {"rules": RULES, "page": runs, "restrictions": restrictions, "client_form": ClientRequestForm(),
            "lift_form": LiftForm(), **forms}


def _index_with(request, **forms):
    """The index page again, with the form that has the errors."""
    return render(request, "lifecycle/index.html", _index_context(request, **forms), status=400)
