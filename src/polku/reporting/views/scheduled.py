"""Delivered scheduled reports: the file behind the link in the outbox message, for its recipients only."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import render

from polku.core.web import denied_as_404
from polku.reporting.scheduled import report_path
from polku.reporting.selectors import get_generated_report, list_generated_reports


@login_required
@permission_required("core.view_aggregate_reports", raise_exception=True)
def generated_report_list(request):
    page = Paginator(list_generated_reports(viewer=request.user), 25).get_page(request.GET.get("page"))
    return render(request, "reporting/generated_report_list.html", {"page": page})


@login_required
@denied_as_404
def generated_report(request, report_id: int):
    report = get_generated_report(viewer=request.user, report_id=report_id)
    path = report_path(report)
    if not path.exists():
        raise Http404
    return FileResponse(path.open("rb"), content_type=report.content_type, as_attachment=True,
                        filename=report.file_name)
