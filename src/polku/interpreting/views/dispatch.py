"""The interpreter centre's pages: the queue, one booking (assign, confirm, give up), solver proposals."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from polku.core.errors import AccessDenied, DomainError
from polku.interpreting import selectors
from polku.interpreting.forms import AssignForm, ProposeForm, QueueFilterForm, ReasonForm
from polku.interpreting.models import Booking
from polku.interpreting.problem import interpreters_for
from polku.interpreting.services import dispatch as services
from polku.interpreting.views import guarded, run_service

DISPATCH = "core.dispatch_interpreting"


@guarded(DISPATCH)
def queue(request):
    form = QueueFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    rows = selectors.list_dispatch_queue(viewer=request.user, status=filters.get("status") or "",
                                         day=filters.get("day"))
    return render(request, "interpreting/dispatch_queue.html", {"form": form, "rows": rows})


@guarded(DISPATCH)
def booking_detail(request, booking_id: int):
    row = selectors.get_booking_for_dispatcher(viewer=request.user, booking_id=booking_id)
    form = AssignForm(request.POST or None, interpreters=interpreters_for(centre_id=row.booking.centre_id))
    if request.method == "POST" and form.is_valid() and run_service(form, lambda: services.assign_interpreter(
            actor=request.user, booking=row.booking, interpreter=form.cleaned_data["interpreter"])):
        messages.success(request, _("The interpreter is assigned and asked to accept."))
        return redirect("interpreting:dispatch_booking", booking_id=booking_id)
    suggestions = selectors.suggest_interpreters(viewer=request.user, booking=row.booking)[:5]
    return render(request, "interpreting/dispatch_booking.html", {
        "row": row, "booking": row.booking, "form": form, "suggestions": suggestions, "reason_form": ReasonForm()})


@guarded(DISPATCH)
@require_POST
def confirm(request, booking_id: int):
    row = selectors.get_booking_for_dispatcher(viewer=request.user, booking_id=booking_id)
    # A one-click button: a refusal (say the interpreter has not accepted yet) goes back as a message. There is
    # no bound form to carry it (an unbound form cannot take errors: that was a server error before).
    try:
        services.confirm_booking(actor=request.user, booking=row.booking)
    except AccessDenied:
        raise
    except DomainError as refusal:
        messages.error(request, str(refusal.message))
    else:
        messages.success(request, _("The booking is confirmed; the confirmations are on their way."))
    return redirect("interpreting:dispatch_booking", booking_id=booking_id)


@guarded(DISPATCH)
@require_POST
def no_interpreter(request, booking_id: int):
    row = selectors.get_booking_for_dispatcher(viewer=request.user, booking_id=booking_id)
    form = ReasonForm(request.POST)
    if form.is_valid() and run_service(form, lambda: services.record_no_interpreter_found(
            actor=request.user, booking=row.booking, reason=form.cleaned_data["reason"])):
        messages.success(request, _("The worker is told that no interpreter was found."))
    else:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return redirect("interpreting:dispatch_booking", booking_id=booking_id)


@guarded(DISPATCH)
def propose(request):
    form = ProposeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        batch, outcome = services.propose_assignments(actor=request.user, **form.cleaned_data)
        messages.info(request, _("%(assigned)s proposals, %(open)s requests left open (%(seconds).1f s).") % {
            "assigned": len(outcome.assignment), "open": len(outcome.unassigned), "seconds": outcome.seconds})
        return redirect("interpreting:proposals", batch=batch)
    return render(request, "interpreting/propose.html", {"form": form})


@guarded(DISPATCH)
def proposals(request, batch):
    if request.method == "POST":
        chosen = [int(pk) for pk in request.POST.getlist("booking") if pk.isdigit()]
        assigned, failed = services.accept_proposals(actor=request.user, batch=batch, booking_ids=chosen)
        messages.success(request, _("%(count)s interpreters assigned.") % {"count": len(assigned)})
        for booking_id, reason in failed.items():
            messages.error(request, f"{Booking(pk=booking_id).reference}: {reason}")
        return redirect("interpreting:queue")
    rows = selectors.list_proposals(viewer=request.user, batch=batch)
    return render(request, "interpreting/proposals.html", {"rows": rows, "batch": batch})
