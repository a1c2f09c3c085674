"""The care team's pages: a client's bookings and their status, a new request, the letter and the .ics."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from polku.casework.selectors import get_client
from polku.interpreting import selectors
from polku.interpreting.forms import BookingRequestForm, OutcomeForm, ReasonForm
from polku.interpreting.letters import render_letter, supported_languages
from polku.interpreting.services import bookings as services
from polku.interpreting.views import guarded, run_service

WORK = "core.work_with_clients"


@guarded(WORK)
def my_bookings(request):
    rows = selectors.list_worker_bookings(viewer=request.user)
    return render(request, "interpreting/my_bookings.html", {"rows": rows})


@guarded(WORK)
def client_bookings(request, client_id: int):
    client, bookings = selectors.list_client_bookings(viewer=request.user, client_id=client_id)
    return render(request, "interpreting/client_bookings.html", {"client": client, "bookings": bookings})


@guarded(WORK)
def booking_new(request, client_id: int):
    client = get_client(viewer=request.user, client_id=client_id)
    form = BookingRequestForm(request.POST or None, initial=_initial(client))
    if request.method == "POST" and form.is_valid() and run_service(form, lambda: services.request_booking(
            actor=request.user, client=client, **form.service_kwargs())):
        messages.success(request, _("The interpreter is requested. You will see the status here."))
        return redirect("interpreting:client_bookings", client_id=client.pk)
    return render(request, "interpreting/booking_form.html", {"client": client, "form": form})


def _initial(client) -> dict:
    return {"language": client.interpreter_language or client.preferred_language,
            "dialect": client.interpreter_dialect, "gender_wish": client.interpreter_gender_preference,
            "mode": "on_site", "mental_health": True, "double_time": True}


@guarded(WORK)
def booking_detail(request, booking_id: int):
    booking = selectors.get_booking_for_worker(viewer=request.user, booking_id=booking_id)
    outcome_form = OutcomeForm(request.POST or None)
    if request.method == "POST" and outcome_form.is_valid() and run_service(outcome_form, lambda: (
            services.record_outcome(actor=request.user, booking=booking, **outcome_form.cleaned_data))):
        messages.success(request, _("The outcome is recorded."))
        return redirect("interpreting:booking_detail", booking_id=booking_id)
    return render(request, "interpreting/booking_detail.html", {
        "booking": booking, "outcome_form": outcome_form, "cancel_form": ReasonForm(),
        "history": booking.status_changes.select_related("interpreter"), "letter_languages": supported_languages()})


@guarded(WORK)
def booking_cancel(request, booking_id: int):
    booking = selectors.get_booking_for_worker(viewer=request.user, booking_id=booking_id)
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and run_service(form, lambda: services.cancel_booking(
            actor=request.user, booking=booking, reason=form.cleaned_data["reason"])):
        messages.success(request, _("The booking is cancelled and everyone is told."))
        return redirect("interpreting:booking_detail", booking_id=booking_id)
    return render(request, "interpreting/booking_cancel.html", {"booking": booking, "form": form})


@guarded(WORK)
def booking_letter(request, booking_id: int):
    booking = selectors.get_booking_for_worker(viewer=request.user, booking_id=booking_id)
    language = request.GET.get("kieli") or booking.client.preferred_language
    kind = request.GET.get("tyyppi", "confirmation")
    if kind not in ("confirmation", "change", "cancellation", "reminder"):
        raise Http404
    letter = render_letter(booking, language=language, kind=kind)
    return render(request, "interpreting/letter_page.html", {"booking": booking, "letter": letter})


@guarded(WORK)
def booking_ics(request, booking_id: int):
    booking = selectors.get_booking_for_worker(viewer=request.user, booking_id=booking_id)
    issue = booking.calendar_issues.order_by("-sequence").first()
    if issue is None:
        raise Http404
    response = HttpResponse(issue.content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{booking.reference}.ics"'
    return response
