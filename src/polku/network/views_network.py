"""Pages of the wider network: workload and statistics, research network, news, notifications and language."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from polku.core.models import CollaborationArea
from polku.core.web import attempt_service, denied_as_404
from polku.interpreting.models import OutboxMessage
from polku.network import selectors, services_network
from polku.network.forms import LanguageForm, NewsForm, ResearchApplicationForm, ResearchCallForm
from polku.network.models import MembershipStatus, NewsItem, ResearchMembership

COORDINATE = "core.coordinate_network"


@login_required
@denied_as_404
def workload(request):
    """Coordinators see the experts' workload; aggregate readers the suppressed statistics per area."""
    user = request.user
    if not (user.has_perm(COORDINATE) or user.has_perm("core.view_aggregate_reports")):
        return render(request, "403.html", status=403)
    return render(request, "network/workload.html", {
        "experts": selectors.list_expert_workload(viewer=user) if user.has_perm(COORDINATE) else None,
        "areas": selectors.list_area_statistics(viewer=user),
    })


@login_required
def research(request):
    membership = selectors.get_own_membership(viewer=request.user)
    form = ResearchApplicationForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and attempt_service(
            form, lambda: services_network.apply_for_research_membership(actor=request.user, **form.cleaned_data)):
        messages.success(request, _("Your application is sent to the network coordinators."))
        return redirect("network:research")
    return render(request, "network/research.html", {
        "membership": membership, "form": form if membership is None or membership.status == "rejected" else None,
        "members": selectors.list_research_members(page=request.GET.get("sivu")),
        "calls": selectors.list_research_calls(page=request.GET.get("kutsut")),
        "can_publish_call": request.user.has_perm(COORDINATE)
        or (membership is not None and membership.status == MembershipStatus.APPROVED),
        "is_coordinator": request.user.has_perm(COORDINATE),
    }, status=400 if form.is_bound else 200)


@login_required
@permission_required(COORDINATE, raise_exception=True)
@denied_as_404
def research_applications(request):
    if request.method == "POST":
        membership = get_object_or_404(ResearchMembership, pk=request.POST.get("membership"))
        form = ResearchApplicationForm()
        if attempt_service(form, lambda: services_network.decide_research_membership(
                actor=request.user, membership=membership, approve=request.POST.get("decision") == "approve")):
            messages.success(request, _("The decision is recorded."))
        else:
            messages.error(request, " ".join(str(e) for e in form.non_field_errors()))
        return redirect("network:research_applications")
    return render(request, "network/research_applications.html",
                  {"applications": selectors.list_pending_applications(viewer=request.user)})


@login_required
@denied_as_404
def research_call_new(request):
    # The form is only for those who may publish (the access matrix found it shown to everyone).
    if not services_network.may_publish_research_call(request.user):
        raise PermissionDenied
    form = ResearchCallForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and attempt_service(
            form, lambda: services_network.publish_research_call(actor=request.user, **form.cleaned_data)):
        messages.success(request, _("The call is published."))
        return redirect("network:research")
    return render(request, "network/research_call_form.html", {"form": form}, status=400 if form.is_bound else 200)


@login_required
def news(request, area_code: str | None = None):
    area = get_object_or_404(CollaborationArea, code=area_code.upper()) if area_code else None
    return render(request, "network/news.html", {
        "items": selectors.list_news(collaboration_area=area, national_only=area_code is None and
                                     request.GET.get("vain") == "valtakunnalliset", page=request.GET.get("sivu")),
        "area": area, "areas": CollaborationArea.objects.all(),
        "can_publish": request.user.has_perm(COORDINATE)})


@login_required
@permission_required(COORDINATE, raise_exception=True)
@denied_as_404
def news_new(request):
    initial = {"collaboration_area": request.user.coordinator_area} if request.user.coordinator_area_id else {}
    form = NewsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid() and attempt_service(
            form, lambda: services_network.publish_news(actor=request.user, **form.cleaned_data)):
        messages.success(request, _("The news item is published."))
        return redirect("network:news")
    return render(request, "network/news_form.html", {"form": form}, status=400 if form.is_bound else 200)


@login_required
def notifications(request):
    return render(request, "network/notifications.html", {
        "page": selectors.list_notifications(viewer=request.user, page=request.GET.get("sivu")),
        "unread": selectors.count_unread(viewer=request.user)})


@login_required
@require_POST
def notifications_read(request):
    """Mark all of one's unread notifications read."""
    services_network.mark_notifications_read(actor=request.user)
    return redirect("network:notifications")


@login_required
@require_POST
def notification_open(request, message_id: int):
    """Mark one notification read and go where it points (only a path inside Polku)."""
    message = get_object_or_404(OutboxMessage, pk=message_id, recipient_user=request.user)
    services_network.mark_notifications_read(actor=request.user, message_ids=[message.pk])
    if message.link.startswith("/") and not message.link.startswith("//"):
        return redirect(message.link)
    return redirect("network:notifications")


@login_required
def notification_settings(request):
    form = LanguageForm(request.POST or None, initial={"language": request.user.preferred_language})
    if request.method == "POST" and form.is_valid() and attempt_service(
            form, lambda: services_network.set_preferred_language(actor=request.user, **form.cleaned_data)):
        messages.success(request, _("The language of your notifications is saved."))
        return redirect("network:notification_settings")
    return render(request, "network/notification_settings.html", {"form": form},
                  status=400 if form.is_bound else 200)


@login_required
def news_item(request, item_id: int):
    return render(request, "network/news_item.html", {"item": get_object_or_404(NewsItem, pk=item_id)})
