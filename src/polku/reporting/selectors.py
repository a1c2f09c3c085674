"""Reads of the reporting app's own records (extracts, scheduled reports); client data goes through the access core."""

from __future__ import annotations

from django.db.models import QuerySet

from polku.core.errors import AccessDenied
from polku.core.models import User
from polku.reporting.models import GeneratedReport, ResearchExtract


def may_see_extracts(viewer: User) -> bool:
    return viewer.is_authenticated and viewer.is_active and (
        viewer.has_perm("core.request_research_extract") or viewer.has_perm("core.act_as_data_controller"))


def list_extracts(*, viewer: User) -> QuerySet[ResearchExtract]:
    """A researcher's own extracts; every extract for a data controller."""
    if not may_see_extracts(viewer):
        raise AccessDenied("extracts_not_permitted", "No research-extract rights.")
    extracts = ResearchExtract.objects.select_related("requested_by", "decided_by", "organisation")
    if viewer.has_perm("core.act_as_data_controller"):
        return extracts
    return extracts.filter(requested_by=viewer)


def get_extract(*, viewer: User, extract_id: int) -> ResearchExtract:
    """One extract the viewer may see (own, or any for a data controller)."""
    extract = list_extracts(viewer=viewer).filter(pk=extract_id).first()
    if extract is None:
        raise AccessDenied("extract_not_found", "No such extract.")
    return extract


def get_generated_report(*, viewer: User, report_id: int) -> GeneratedReport:
    """A delivered scheduled report, for its recipients only (and only while they may view aggregate reports)."""
    report = (GeneratedReport.objects.select_related("schedule").filter(pk=report_id, recipients=viewer).first()
              if viewer.is_authenticated and viewer.is_active and viewer.has_perm("core.view_aggregate_reports")
              else None)
    if report is None:
        raise AccessDenied("report_not_found", "No such report.")
    return report


def list_generated_reports(*, viewer: User) -> QuerySet[GeneratedReport]:
    """Scheduled reports delivered to the viewer, newest period first."""
    if not (viewer.is_authenticated and viewer.is_active and viewer.has_perm("core.view_aggregate_reports")):
        raise AccessDenied("reports_not_permitted", "No report rights.")
    return GeneratedReport.objects.select_related("schedule__organisation").filter(recipients=viewer)
