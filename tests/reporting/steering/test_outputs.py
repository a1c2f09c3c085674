"""The report as PDF (pages, page numbers, contents) and XLSX (a sheet per table; totals equal the HTML's)."""

from __future__ import annotations

import io
import re
from html.parser import HTMLParser

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from polku.reporting.steering.render import render_html, render_pdf, render_xlsx
from polku.reporting.steering.report import build_steering_report
from tests.reporting.steering.conftest import PERIOD

SECTION_TITLES = ["Summary", "Clients", "Work time", "Meetings", "Screening", "Service paths",
                  "Documentation quality", "Interpreting costs and purchases from associations"]


class TotalRows(HTMLParser):
    """The cells of every table's total row in the HTML document: {table key: [cell texts]}."""

    def __init__(self):
        super().__init__()
        self.table = None
        self.in_total = False
        self.in_cell = False
        self.totals: dict[str, list[str]] = {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "div" and (attrs.get("id") or "").startswith("t-"):
            self.table = attrs["id"][2:]
        elif tag == "tr":
            self.in_total = attrs.get("data-row") == "total"
            if self.in_total:
                self.totals[self.table] = []
        elif tag == "td" and self.in_total:
            self.in_cell = True
            self.totals[self.table].append("")

    def handle_endtag(self, tag):
        if tag == "td":
            self.in_cell = False
        elif tag == "tr":
            self.in_total = False

    def handle_data(self, data):
        if self.in_cell:
            self.totals[self.table][-1] += data.strip()


@pytest.fixture
def report(caseload):
    return build_steering_report(organisation=caseload, period_start=PERIOD[0], period_end=PERIOD[1], language="en")


@pytest.mark.django_db
def test_pdf_has_pages_a_table_of_contents_and_page_numbers(report):
    pdf = PdfReader(io.BytesIO(render_pdf(report)))
    pages = len(pdf.pages)
    assert pages > 1
    texts = [page.extract_text() for page in pdf.pages]
    whole = "\n".join(texts)
    for title in SECTION_TITLES:
        assert title in whole
    # The footer numbers every page but the title page: "2 / N", "3 / N", ...
    for number in range(2, pages + 1):
        assert f"{number} / {pages}" in texts[number - 1]
    # The contents (on the title page) give each section's page number, and the section is on that page.
    contents = texts[0]
    for title in ["Clients", "Work time", "Documentation quality"]:
        match = re.search(rf"^{re.escape(title)}[ .]*?(\d+)\s*$", contents, re.MULTILINE)
        assert match, f"{title} not in the contents:\n{contents}"
        assert title in texts[int(match.group(1)) - 1]


@pytest.mark.django_db
def test_xlsx_has_a_sheet_per_table_and_its_totals_equal_the_html(report):
    workbook = load_workbook(io.BytesIO(render_xlsx(report)))
    assert set(workbook.sheetnames) == {"report", *(table.key for table in report.tables)}
    parser = TotalRows()
    parser.feed(render_html(report))
    assert len(parser.totals) >= 15
    for key, html_cells in parser.totals.items():
        sheet = workbook[key]
        total_row = next(row for row in sheet.iter_rows(values_only=True)
                         if row[0] == report.table(key).total.label)
        assert len(html_cells) == len(total_row) - 1
        for html_text, value in zip(html_cells, total_row[1:], strict=True):
            if html_text == "<5":
                assert value == "<5"
            elif html_text.endswith("%"):
                assert f"{value * 100:.1f} %" == html_text
            elif "." in html_text:
                assert float(html_text) == pytest.approx(value, abs=0.05)
            else:
                assert int(html_text) == value, key


@pytest.mark.django_db
def test_xlsx_shows_hidden_cells_as_fewer_than_five(report):
    workbook = load_workbook(io.BytesIO(render_xlsx(report)))
    table = report.table("clients_legal_status")
    sheet = workbook["clients_legal_status"]
    values = {row[0]: row[1] for row in sheet.iter_rows(min_row=4, values_only=True) if row[0]}
    for row in table.all_rows():
        assert values[row.label] == ("<5" if row.cells[0].suppressed else row.cells[0].value)
    assert any(row.cells[0].suppressed for row in table.rows)
