"""The team lead's documentation-quality dashboard."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone

from polku.core.web import denied_as_404
from polku.reporting.quality_dashboard import build_quality_dashboard, client_quality_items


@login_required
@permission_required("core.assign_clients", raise_exception=True)
@denied_as_404
def quality_dashboard(request):
    dashboard = build_quality_dashboard(viewer=request.user, today=timezone.localdate())
    page = Paginator(dashboard.clients, 50).get_page(request.GET.get("page"))
    return render(request, "reporting/quality_dashboard.html", {"dashboard": dashboard, "page": page})


@login_required
@permission_required("core.assign_clients", raise_exception=True)
@denied_as_404
def quality_client(request, client_id: int):
    client, items = client_quality_items(viewer=request.user, client_id=client_id, today=timezone.localdate())
    return render(request, "reporting/quality_client.html", {"client": client, "items": items})
