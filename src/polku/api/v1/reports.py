"""Reports as data: the steering-group report's tables, small numbers already suppressed (reporting app)."""

from __future__ import annotations

from datetime import date, datetime

from django.utils import translation
from ninja import Field, Query, Router, Schema

from polku.api.auth import ApiAuth
from polku.api.common import IsoDate, error_responses
from polku.api.problems import ApiProblem
from polku.reporting.steering.forms import SteeringReportForm
from polku.reporting.steering.report import build_steering_report

router = Router(tags=["reports"])
# The form's Finnish field names (they are the UI's query parameters) and the API's English ones.
FIELD_NAMES = {"organisaatio": "organisation_id", "tiimi": "team_id", "alkaen": "period_start",
               "asti": "period_end", "vertailu": "compare"}


class CellOut(Schema):
    value: float | None = Field(description="null when suppressed (fewer than 5 behind the figure) or empty")
    display: str
    kind: str
    suppressed: bool


class RowOut(Schema):
    key: str
    label: str
    cells: list[CellOut]


class TableOut(Schema):
    key: str
    title: str
    label_header: str
    columns: list[str]
    rows: list[RowOut]
    total: RowOut | None
    note: str


class SectionOut(Schema):
    key: str
    title: str
    tables: list[TableOut]


class SteeringReportOut(Schema):
    organisation_id: int
    organisation_name: str
    team_id: int | None
    team_name: str
    period_start: date
    period_end: date
    language: str
    generated_at: datetime
    is_empty: bool
    sections: list[SectionOut]


class SteeringReportQuery(Schema):
    organisation_id: int = Field(..., ge=1, le=2**53)
    team_id: int | None = Field(None, ge=1, le=2**53)
    period_start: IsoDate
    period_end: IsoDate


def _row(row) -> dict:
    return {"key": row.key, "label": str(row.label), "cells": [
        {"value": None if cell.suppressed or cell.value is None else float(cell.value), "display": cell.display,
         "kind": cell.kind, "suppressed": cell.suppressed} for cell in row.cells]}


def _table(table) -> dict:
    return {"key": table.key, "title": str(table.title), "label_header": str(table.label_header),
            "columns": [str(c) for c in table.columns], "rows": [_row(r) for r in table.rows],
            "total": _row(table.total) if table.total else None, "note": str(table.note)}


@router.get("/steering", response={200: SteeringReportOut, **error_responses(400, 401, 403, 404, 422, 429)},
            auth=ApiAuth({"reports:read"}), summary="The steering-group report as data")
def steering_report(request, query: Query[SteeringReportQuery]):
    """Every table of the steering-group report for an organisation (or team) and period, with the same small-number
    suppression as the page, PDF and spreadsheet (scope `reports:read`). A team lead reports on their own
    organisation only."""
    form = SteeringReportForm({"organisaatio": query.organisation_id, "tiimi": query.team_id or "",
                               "alkaen": query.period_start, "asti": query.period_end}, viewer=request.auth.user)
    if not form.is_valid():
        errors = [{"field": FIELD_NAMES.get(name, name), "message": message}
                  for name, messages in form.errors.items() for message in messages]
        raise ApiProblem(422, "invalid_input", errors[0]["message"], errors=errors)
    data = form.cleaned_data
    report = build_steering_report(organisation=data["organisaatio"], team=data["tiimi"],
                                   period_start=data["alkaen"], period_end=data["asti"], compare=False,
                                   language=translation.get_language())
    return {"organisation_id": report.organisation_id, "organisation_name": report.organisation_name,
            "team_id": report.team_id, "team_name": report.team_name, "period_start": report.period_start,
            "period_end": report.period_end, "language": report.language, "generated_at": report.generated_at,
            "is_empty": report.is_empty,
            "sections": [{"key": s.key, "title": str(s.title), "tables": [_table(t) for t in s.tables]}
                         for s in report.sections]}
