from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from polku.core import access, health, selectors
from polku.core.errors import DomainError
from polku.core.forms import AccessLogFilterForm, ReviewForm
from polku.core.middleware import RETRY_AFTER_SECONDS
from polku.core.models import BreakTheGlassGrant


@login_required
def home(request):
    return render(request, "core/home.html")


@login_required
@permission_required("core.review_access_log", raise_exception=True)
def access_log(request):
    form = AccessLogFilterForm(request.GET or None)
    filters = selectors.AccessLogFilter()
    if form.is_valid():
        filters = selectors.AccessLogFilter(**{k: v for k, v in form.cleaned_data.items() if v not in ("", None)})
    rows = selectors.list_access_log(viewer=request.user, filters=filters)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    pending = selectors.list_unreviewed_break_the_glass(viewer=request.user)
    return render(request, "core/access_log.html",
                  {"form": form, "page": page, "pending": pending, "review_form": ReviewForm()})


@login_required
@permission_required("core.review_access_log", raise_exception=True)
@require_POST
def review_break_the_glass(request, grant_id: int):
    grant = get_object_or_404(BreakTheGlassGrant, pk=grant_id)
    form = ReviewForm(request.POST)
    if form.is_valid():
        try:
            access.review_break_the_glass(reviewer=request.user, grant=grant, note=form.cleaned_data["note"])
            messages.success(request, _("Emergency access marked as reviewed."))
        except DomainError as error:  # e.g. a second reviewer (or a resubmitted form) came second
            messages.error(request, error.message)
    else:
        messages.error(request, _("Write a review note."))
    return redirect("access_log")


# --- Health checks (core.health): public, no session, no client data -------------------------------------

@never_cache
@require_safe
def health_live(request):
    return JsonResponse({"status": "ok"})


@never_cache
@require_safe
def health_ready(request):
    report = health.readiness()
    response = JsonResponse({"status": "ok" if report.ready else "unavailable", "checks": report.checks},
                            status=200 if report.ready else 503)
    if not report.ready:
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response
