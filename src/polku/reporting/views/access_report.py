"""The client's own access report: an HTML document to print, and the same as PDF."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from polku.core.models import AccessAction
from polku.core.web import denied_as_404
from polku.reporting.access_report import build_access_report, render_access_report_html, render_access_report_pdf
from polku.reporting.forms import AccessReportForm


def _language(request) -> str | None:
    """The chosen language; none (or an unknown one) means the client's own language."""
    form = AccessReportForm(request.GET or None)
    return (form.cleaned_data["language"] or None) if form.is_valid() else None


@login_required
@permission_required("core.review_access_log", raise_exception=True)
def access_report_start(request):
    """Data controller: choose a client (by id) and a language."""
    client_id = request.GET.get("client", "")
    if client_id.isdigit():
        return redirect(reverse("reporting:access_report", args=[int(client_id)])
                        + f"?language={_language(request) or ''}")
    return render(request, "reporting/access_report_start.html", {"form": AccessReportForm()})


@login_required
@denied_as_404
def access_report(request, client_id: int):
    report = build_access_report(viewer=request.user, client_id=client_id, language=_language(request))
    pdf_url = reverse("reporting:access_report_pdf", args=[client_id]) + f"?language={report.language}"
    return HttpResponse(render_access_report_html(report, pdf_url=pdf_url))


@login_required
@denied_as_404
def access_report_pdf(request, client_id: int):
    report = build_access_report(viewer=request.user, client_id=client_id, language=_language(request),
                                 action=AccessAction.EXPORT)
    response = HttpResponse(render_access_report_pdf(report), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="access-report-{client_id}-{report.language}.pdf"'
    return response
