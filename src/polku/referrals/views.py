"""Views for referrals: the client's referrals and their steps; the receiving service's inbox; breaks; wait times.

A refusal of the access core (or of the inbox basis) is a 404 whose body names nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from polku.casework.models import Client
from polku.casework.selectors import get_client
from polku.core.errors import AccessDenied
from polku.core.models import AccessAction, User
from polku.core.web import attempt_service, client_worker_view
from polku.referrals import machine, selectors
from polku.referrals.forms import (
    STEP_ACTION_LABELS,
    ConsentForm,
    ReferralForm,
    StepForm,
    apply_domain_error,
    step_needs_form,
)
from polku.referrals.models import Referral, ReferralConsent, ReferralStatus, ReferralStep
from polku.referrals.process_map import MapFilters, ProcessMapFilterForm, build_process_map
from polku.referrals.services import referrals as services

worker_view = client_worker_view


def attempt(form: forms.Form, call: Callable[[], Any]) -> Any:
    """Call a service; a domain refusal becomes a form error (an access refusal propagates to a 404)."""
    return attempt_service(form, call, on_error=lambda error: apply_domain_error(form, error))


def _action(request) -> AccessAction:
    return AccessAction.READ if request.method in ("GET", "HEAD") else AccessAction.WRITE


def consent_of(referral: Referral) -> ReferralConsent | None:
    try:
        return referral.consent
    except ReferralConsent.DoesNotExist:
        return None


@dataclass(frozen=True)
class StepButton:
    step: str
    label: str
    url: str
    needs_form: bool


def step_buttons(*, steps: list[str], side: str, referral_id: int, handled_in_polku: bool) -> list[StepButton]:
    """The buttons of the steps a side may take now; steps needing input link to their form."""
    url_name = "referrals:step" if side == machine.SENDER else "referrals:inbox_step"
    return [StepButton(step=step, label=str(STEP_ACTION_LABELS[step]), url=reverse(url_name, args=[referral_id, step]),
                       needs_form=step_needs_form(step, side=side, handled_in_polku=handled_in_polku))
            for step in steps]


def section_context(*, viewer: User, client: Client) -> dict:
    """Context for the referrals section and the path timeline on the client page (client already checked)."""
    return {
        "referrals_section": {"client": client,
                              "referrals": list(selectors.list_client_referrals(viewer=viewer, client=client))},
        "path_timeline_section": {"client": client,
                                  "timeline": selectors.get_path_timeline(viewer=viewer, client=client)},
    }


# --- the care team's pages ------------------------------------------------------------------------


@worker_view
def client_referrals(request, client_id: int):
    client = get_client(viewer=request.user, client_id=client_id)
    return render(request, "referrals/client_referrals.html",
                  {"client": client, **section_context(viewer=request.user, client=client)})


@worker_view
def path_timeline(request, client_id: int):
    client = get_client(viewer=request.user, client_id=client_id)
    timeline = selectors.get_path_timeline(viewer=request.user, client=client)
    return render(request, "referrals/path_timeline.html",
                  {"client": client, "path_timeline_section": {"client": client, "timeline": timeline}})


@worker_view
def referral_new(request, client_id: int):
    client = get_client(viewer=request.user, client_id=client_id, action=_action(request))
    form = ReferralForm(request.POST or None, services=selectors.list_referral_services(viewer=request.user),
                        client_language=client.preferred_language)
    referral = request.method == "POST" and form.is_valid() and attempt(form, lambda: services.create_referral(
        actor=request.user, client=client, **form.service_kwargs(send="send" in request.POST)))
    if referral:
        messages.success(request, _("The referral is sent.") if referral.status == ReferralStatus.SENT
                         else _("The referral is saved as a draft."))
        return redirect("referrals:detail", referral.pk)
    return render(request, "referrals/referral_form.html", {"client": client, "form": form},
                  status=400 if form.is_bound else 200)


def _detail_context(referral: Referral, consent_form: ConsentForm | None = None) -> dict:
    consent = consent_of(referral)
    if consent_form is None and referral.status == ReferralStatus.DRAFT:
        consent_form = ConsentForm(initial={"version": referral.version},
                                   client_language=referral.client.preferred_language)
    return {"referral": referral, "client": referral.client, "consent": consent, "consent_form": consent_form,
            "manual": not referral.handled_in_polku,
            "buttons": step_buttons(steps=selectors.sender_steps(referral=referral), side=machine.SENDER,
                                    referral_id=referral.pk, handled_in_polku=referral.handled_in_polku)}


@worker_view
def referral_detail(request, referral_id: int):
    referral = selectors.get_referral(viewer=request.user, referral_id=referral_id)
    return render(request, "referrals/referral_detail.html", _detail_context(referral))


@worker_view
def referral_consent(request, referral_id: int):
    referral = selectors.get_referral(viewer=request.user, referral_id=referral_id, action=_action(request))
    form = ConsentForm(request.POST or None, initial={"version": referral.version},
                       client_language=referral.client.preferred_language)
    if request.method == "POST" and form.is_valid() and attempt(form, lambda: services.record_consent(
            actor=request.user, referral=referral, consent=form.consent(),
            expected_version=form.cleaned_data["version"])):
        messages.success(request, _("The consent is recorded."))
        return redirect("referrals:detail", referral.pk)
    return render(request, "referrals/referral_detail.html", _detail_context(referral, consent_form=form),
                  status=400 if form.is_bound else 200)


# --- one step, from either side -------------------------------------------------------------------


def _step_referral(request, referral_id: int, side: str) -> Referral:
    if side == machine.SENDER:
        return selectors.get_referral(viewer=request.user, referral_id=referral_id, action=_action(request))
    return selectors.get_referral_for_recipient(viewer=request.user, referral_id=referral_id,
                                                action=_action(request))


def _step_view(request, referral_id: int, step: str, *, side: str):
    if step not in ReferralStep.values:
        raise Http404
    referral = _step_referral(request, referral_id, side)
    back = reverse("referrals:detail" if side == machine.SENDER else "referrals:inbox_detail", args=[referral.pk])
    form = StepForm(request.POST or None, step=step, initial={"version": referral.version},
                    manual=side == machine.SENDER and not referral.handled_in_polku)
    if request.method == "POST" and form.is_valid() and attempt(form, lambda: services.take_referral_step(
            actor=request.user, referral=referral, step=step, **form.service_kwargs())):
        messages.success(request, _("Saved: %(step)s.") % {"step": ReferralStep(step).label})
        return redirect(back)
    if form.is_bound and not step_needs_form(step, side=side, handled_in_polku=referral.handled_in_polku):
        # A one-click button was refused (a stale page, say): back to the page with the reason.
        messages.error(request, " ".join(str(error) for errors in form.errors.values() for error in errors))
        return redirect(back)
    return render(request, "referrals/step_form.html",
                  {"referral": referral, "form": form, "step_label": STEP_ACTION_LABELS[step], "back": back,
                   "side": side}, status=400 if form.is_bound else 200)


@worker_view
def sender_step(request, referral_id: int, step: str):
    return _step_view(request, referral_id, step, side=machine.SENDER)


@worker_view
def recipient_step(request, referral_id: int, step: str):
    return _step_view(request, referral_id, step, side=machine.RECIPIENT)


# --- the receiving service's inbox ----------------------------------------------------------------


@worker_view
def inbox(request):
    include_ended = request.GET.get("kaikki") == "1"
    rows = selectors.list_inbox(viewer=request.user, include_ended=include_ended)
    return render(request, "referrals/inbox.html", {"rows": rows, "include_ended": include_ended})


@worker_view
def inbox_detail(request, referral_id: int):
    disclosed = selectors.get_inbox_referral(viewer=request.user, referral_id=referral_id)
    buttons = step_buttons(steps=disclosed.steps, side=machine.RECIPIENT, referral_id=disclosed.referral_id,
                           handled_in_polku=True)
    return render(request, "referrals/inbox_detail.html", {"referral": disclosed, "buttons": buttons})


# --- breaks and wait times ------------------------------------------------------------------------


@worker_view
def my_breaks(request):
    return render(request, "referrals/breaks.html", {"breaks": selectors.list_my_breaks(viewer=request.user)})


@login_required
def wait_times(request):
    own = request.GET.get("omat") == "1"
    try:
        rows = selectors.list_wait_times(viewer=request.user, own_clients_only=own)
    except AccessDenied as denied:
        raise PermissionDenied from denied
    return render(request, "referrals/wait_times.html",
                  {"rows": rows, "own": own, "small_number": selectors.SMALL_NUMBER})


@login_required
def process_map(request):
    form = ProcessMapFilterForm(request.GET or None, viewer=request.user)
    invalid = form.is_bound and not form.is_valid()
    try:
        if invalid:
            # Refuse a role without access all the same, but read (and log) no client's path for a bad form.
            selectors.process_map_reach(viewer=request.user)
        else:
            events = selectors.list_process_map_events(viewer=request.user, today=timezone.localdate(),
                                                       filters=form.filters() if form.is_bound else MapFilters())
    except AccessDenied as denied:
        raise PermissionDenied from denied
    return render(request, "referrals/process_map.html",
                  {"form": form, "map": None if invalid else build_process_map(events),
                   "scope_labels": form.scope_labels(), "small_number": selectors.SMALL_NUMBER},
                  status=400 if invalid else 200)


def todo_context(*, viewer: User, today: date) -> dict:
    """The to-do page's section of open path breaks of the viewer's clients (empty when there are none)."""
    if not viewer.has_perm("core.work_with_clients"):
        return {}
    breaks = selectors.list_my_breaks(viewer=viewer)
    return {"breaks": breaks} if breaks else {}


urlpatterns = [
    path("asiakas/<int:client_id>/", client_referrals, name="client_referrals"),
    path("asiakas/<int:client_id>/uusi/", referral_new, name="new"),
    path("asiakas/<int:client_id>/polku/", path_timeline, name="path_timeline"),
    path("<int:referral_id>/", referral_detail, name="detail"),
    path("<int:referral_id>/suostumus/", referral_consent, name="consent"),
    path("<int:referral_id>/vaihe/<str:step>/", sender_step, name="step"),
    path("saapuneet/", inbox, name="inbox"),
    path("saapuneet/<int:referral_id>/", inbox_detail, name="inbox_detail"),
    path("saapuneet/<int:referral_id>/vaihe/<str:step>/", recipient_step, name="inbox_step"),
    path("katkokset/", my_breaks, name="breaks"),
    path("odotusajat/", wait_times, name="wait_times"),
    path("prosessikartta/", process_map, name="process_map"),
]
