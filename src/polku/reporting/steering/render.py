"""The report as a document: HTML (standalone), PDF (WeasyPrint, page numbers and contents) and XLSX (openpyxl)."""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from polku.reporting.steering.report import SteeringReport
from polku.reporting.steering.tables import Cell, Table

STATIC = Path(__file__).resolve().parent.parent / "static" / "reporting" / "steering"
PRINT_CSS = STATIC / "print.css"


@dataclass(frozen=True)
class ShownCell:
    text: str
    suppressed: bool
    previous: bool
    drill: str = ""  # row key when the cell may be drilled into


@dataclass(frozen=True)
class ShownRow:
    key: str
    label: str
    cells: list[ShownCell]
    is_total: bool


def headers(table: Table, *, compare: bool) -> list[str]:
    if not compare:
        return list(table.columns)
    return [header for column in table.columns for header in (column, _("%(column)s, previous period")
                                                             % {"column": column})]


def shown_rows(table: Table, *, compare: bool) -> list[ShownRow]:
    """Rows for display; in comparison mode each value is followed by the previous period's value."""
    rows = []
    for row in table.all_rows():
        is_total = table.total is not None and row is table.total
        cells = []
        for index, cell in enumerate(row.cells):
            drill = row.key if (table.drillable and index == 0 and not is_total and not cell.suppressed) else ""
            cells.append(ShownCell(cell.display, cell.suppressed, False, drill))
            if compare:
                before = table.previous.cell(row.key, index) if table.previous else None
                cells.append(ShownCell(before.display if before else "–", bool(before and before.suppressed), True))
        rows.append(ShownRow(row.key, row.label, cells, is_total))
    return rows


def context(report: SteeringReport) -> dict:
    """The template context shared by the web page and the standalone document."""
    return {"report": report, "sections": [
        {"key": section.key, "title": section.title, "svg": section.svg, "svg_title": section.svg_title,
         "tables": [{"table": table, "headers": headers(table, compare=report.compare),
                     "rows": shown_rows(table, compare=report.compare)} for table in section.tables]}
        for section in report.sections]}


def render_html(report: SteeringReport) -> str:
    """A standalone HTML document of the report (the PDF's source; also what a scheduled delivery attaches)."""
    with translation.override(report.language):
        return render_to_string("reporting/steering/document.html", context(report))


def render_pdf(report: SteeringReport) -> bytes:
    """A printable PDF: title page, table of contents with page numbers, page numbers in the footer."""
    from weasyprint import CSS, HTML  # imported late: loading Pango costs time the web pages do not need

    return HTML(string=render_html(report), base_url=str(STATIC)).write_pdf(stylesheets=[CSS(filename=PRINT_CSS)])


def _export(cell: Cell | None) -> int | float | str | None:
    return cell.export_value if cell is not None else None


def render_xlsx(report: SteeringReport) -> bytes:
    """One sheet per table (named by the table's key), suppressed cells as "<5"; a first sheet says what it is."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    bold = Font(bold=True)
    workbook = Workbook()
    info = workbook.active
    with translation.override(report.language):
        info.title = "report"
        info.append([_("Steering-group report")])
        info["A1"].font = bold
        info.append([_("Organisation"), report.organisation_name])
        info.append([_("Team"), report.team_name or _("All teams")])
        info.append([_("Period"), report.period_start.isoformat(), report.period_end.isoformat()])
        if report.compare:
            info.append([_("Previous period"), report.previous_start.isoformat(), report.previous_end.isoformat()])
        info.append([_("Generated"), report.generated_at.isoformat(timespec="seconds")])
        info.append([_("Counts under five are shown as <5, and so is a further cell where a total would "
                       "reveal them.")])
        if report.is_empty:
            info.append([_("There is no data for this period.")])
        for table in report.tables:
            sheet = workbook.create_sheet(title=table.key[:31])
            sheet.append([table.title])
            sheet["A1"].font = bold
            sheet.append([])
            sheet.append([table.label_header, *headers(table, compare=report.compare)])
            for cell in sheet[3]:
                cell.font = bold
            for row in table.all_rows():
                values = []
                for index, cell in enumerate(row.cells):
                    values.append(_export(cell))
                    if report.compare:
                        values.append(_export(table.previous.cell(row.key, index) if table.previous else None))
                sheet.append([row.label, *values])
            if table.note:
                sheet.append([])
                sheet.append([table.note])
            sheet.column_dimensions["A"].width = 48
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
