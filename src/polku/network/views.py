"""Consultation pages: the overview, a new request with the masked preview, the thread, files, the referral bridge."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from polku.casework.selectors.clients import list_my_clients
from polku.core.web import attempt_service, denied_as_404
from polku.network import selectors, services
from polku.network.forms import ConsultationForm, MessageForm, RatingForm, RouteForm
from polku.network.models import ConsultationStatus, RoutingLevel
from polku.network.privacy import find_identifiers, mask_identifiers
from polku.network.routing import can_answer


def member_view(view):
    """Logged in; the access core's refusal (a consultation not visible to the viewer) becomes a 404."""
    return login_required(denied_as_404(view))


@member_view
def overview(request):
    return render(request, "network/overview.html", {
        "asked": selectors.list_asked(viewer=request.user, page=request.GET.get("oma")),
        "routed": selectors.list_routed_to_me(viewer=request.user, page=request.GET.get("saapuneet")),
        "coordinated": selectors.list_for_coordinator(viewer=request.user, page=request.GET.get("kaikki")),
        "coordinates_one_area": selectors.coordinates_one_area(request.user),
        "can_ask": request.user.has_perm("core.ask_consultation"),
    })


def _initial(user) -> dict:
    area = getattr(user.organisation, "home_area", None) if user.organisation_id else None
    return {"area": area, "urgency": "normal"}


@login_required
@permission_required("core.ask_consultation", raise_exception=True)
def consultation_new(request):
    """Step 1 fills the form; identifiers found → the masked preview; "send masked" for that same text sends it."""
    form = ConsultationForm(request.POST or None, initial=_initial(request.user))
    preview = None
    if request.method == "POST" and form.is_valid():
        title, description = form.cleaned_data["title"], form.cleaned_data["description"]
        findings = find_identifiers(title) + find_identifiers(description)
        confirmed = "send_masked" in request.POST and form.cleaned_data["preview_digest"] == form.digest()
        if findings and not confirmed:
            preview = {"title": mask_identifiers(title), "description": mask_identifiers(description),
                       "kinds": sorted({f.kind for f in findings})}
            form.data = form.data.copy()
            form.data["preview_digest"] = form.digest()
        else:
            consultation = attempt_service(form, lambda: services.ask_consultation(
                actor=request.user, mask=confirmed, **form.service_kwargs()))
            if consultation:
                messages.success(request, _("The request is sent to the expert network."))
                return redirect("network:detail", consultation.pk)
    status = 400 if form.is_bound and (form.errors or preview) else 200
    return render(request, "network/consultation_form.html", {"form": form, "preview": preview}, status=status)


def _detail_context(request, consultation, *, message_form=None, rating_form=None, route_form=None) -> dict:
    user = request.user
    is_asker = consultation.asker_id == user.pk
    recipients = list(selectors.list_recipients(consultation=consultation))
    may_answer = (not is_asker and can_answer(user)
                  and any(r.user_id == user.pk and r.reason in services.ANSWERING_REASONS for r in recipients))
    coordinator = user.has_perm("core.coordinate_network")
    open_ = consultation.status != ConsultationStatus.CLOSED
    return {
        "consultation": consultation, "thread": selectors.get_thread(consultation=consultation),
        "recipients": recipients, "is_asker": is_asker,
        "message_form": (message_form or MessageForm()) if open_ and (is_asker or may_answer) else None,
        "may_answer": may_answer,
        "rating_form": (rating_form or RatingForm()) if is_asker and open_ and consultation.first_answered_at else None,
        "route_form": (route_form or RouteForm(experts=selectors.list_expert_choices(consultation=consultation)))
        if coordinator and open_ else None,
        "can_escalate": coordinator and open_ and consultation.level == RoutingLevel.AREA,
        "overdue": open_ and not consultation.first_answered_at and consultation.due_at <= timezone.now(),
        "referral_bridge": is_asker and consultation.concerns_client and user.has_perm("core.work_with_clients"),
    }


@member_view
def consultation_detail(request, consultation_id: int):
    consultation = selectors.get_consultation(viewer=request.user, consultation_id=consultation_id)
    return render(request, "network/consultation_detail.html", _detail_context(request, consultation))


@member_view
@require_POST
def consultation_message(request, consultation_id: int):
    consultation = selectors.get_consultation(viewer=request.user, consultation_id=consultation_id)
    form = MessageForm(request.POST, request.FILES)
    if form.is_valid() and attempt_service(form, lambda: services.post_message(
            actor=request.user, consultation=consultation, body=form.cleaned_data["body"],
            attachments=form.cleaned_data["attachments"])):
        messages.success(request, _("The message is sent."))
        return redirect("network:detail", consultation.pk)
    return render(request, "network/consultation_detail.html",
                  _detail_context(request, consultation, message_form=form), status=400)


@member_view
@require_POST
def consultation_close(request, consultation_id: int):
    consultation = selectors.get_consultation(viewer=request.user, consultation_id=consultation_id)
    form = RatingForm(request.POST)
    if form.is_valid() and attempt_service(form, lambda: services.close_consultation(
            actor=request.user, consultation=consultation, **form.cleaned_data)):
        messages.success(request, _("Thank you. The request is closed."))
        return redirect("network:detail", consultation.pk)
    return render(request, "network/consultation_detail.html",
                  _detail_context(request, consultation, rating_form=form), status=400)


@member_view
@require_POST
def consultation_route(request, consultation_id: int):
    consultation = selectors.get_consultation(viewer=request.user, consultation_id=consultation_id)
    form = RouteForm(request.POST, experts=selectors.list_expert_choices(consultation=consultation))
    if form.is_valid() and attempt_service(form, lambda: services.route_to_expert(
            actor=request.user, consultation=consultation, user=form.cleaned_data["expert"].user)):
        messages.success(request, _("The request is routed to the expert."))
        return redirect("network:detail", consultation.pk)
    return render(request, "network/consultation_detail.html",
                  _detail_context(request, consultation, route_form=form), status=400)


@member_view
@require_POST
def consultation_escalate(request, consultation_id: int):
    consultation = selectors.get_consultation(viewer=request.user, consultation_id=consultation_id)
    form = RouteForm(experts=())
    if attempt_service(form, lambda: services.escalate_consultation(actor=request.user, consultation=consultation)):
        messages.success(request, _("The request is moved to national level."))
    else:
        messages.error(request, " ".join(str(e) for e in form.non_field_errors()))
    return redirect("network:detail", consultation.pk)


@member_view
def attachment_download(request, consultation_id: int, attachment_id: int):
    attachment = selectors.get_attachment(viewer=request.user, consultation_id=consultation_id,
                                          attachment_id=attachment_id)
    return FileResponse(attachment.file.open("rb"), as_attachment=True, filename=attachment.original_name,
                        content_type=attachment.content_type)


@member_view
def referral_bridge(request, consultation_id: int):
    """From a consultation about one's own client to the referral flow, where the client's consent is recorded."""
    consultation = selectors.get_consultation(viewer=request.user, consultation_id=consultation_id)
    clients = None
    if request.user.has_perm("core.work_with_clients") and consultation.asker_id == request.user.pk:
        clients = list_my_clients(viewer=request.user, today=timezone.localdate(), search=request.GET.get("haku", ""),
                                  page=request.GET.get("sivu", 1))
    return render(request, "network/referral_bridge.html", {"consultation": consultation, "clients": clients})

