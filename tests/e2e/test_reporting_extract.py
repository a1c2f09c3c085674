"""A research extract in a real browser: the researcher requests, the data controller approves, the researcher
generates and downloads the CSV; axe-core finds no serious violation on the way."""

from __future__ import annotations

from collections import Counter

import polars as pl
import pytest
from django.urls import reverse

from polku.core.models import DisclosureLog
from polku.reporting.models import ExtractDownload, ExtractStatus, ResearchExtract
from tests.e2e.helpers import assert_no_serious_violations, login
from tests.factories import OrganisationFactory, make_user
from tests.reporting.conftest import simulate_caseload

QIS = ["birth_year", "gender", "origin", "municipality", "legal_status"]


@pytest.fixture
def people(areas, tmp_path, monkeypatch):
    from polku import config

    monkeypatch.setattr(config, "VAR_DIR", tmp_path / "var")
    organisation = OrganisationFactory(name="Polku e2e research")
    nurse = make_user(role="professional", profession="nurse", organisation=organisation, username="e2e_nurse")
    simulate_caseload(organisation=organisation, creator=nurse, n=60, seed=42)
    return {"organisation": organisation,
            "researcher": make_user(role="researcher", organisation=organisation, username="e2e_researcher"),
            "controller": make_user(role="administrator", organisation=organisation, username="e2e_controller")}


def _english(page):
    page.get_by_role("button", name="English").click()


def test_researcher_requests_controller_approves_researcher_downloads_csv(people, page, live_server, tmp_path):
    login(page, live_server, "e2e_researcher")
    _english(page)
    page.goto(live_server.url + reverse("reporting:extract_new"))
    assert_no_serious_violations(page)
    page.get_by_label("Organisation").select_option(label="Polku e2e research")
    page.get_by_label("Purpose of the research").fill("Time from registration to first meeting")
    page.get_by_label("Period start").fill("2025-01-01")
    page.get_by_label("Period end").fill("2025-12-31")
    page.get_by_role("button", name="Send the request").click()
    page.wait_for_url("**/tutkimusaineistot/*/")
    extract = ResearchExtract.objects.get()
    assert extract.status == ExtractStatus.REQUESTED and extract.fields == QIS
    # The researcher cannot decide on their own request: no decision buttons.
    assert page.get_by_role("button", name="Approve").count() == 0
    assert_no_serious_violations(page)

    page.context.clear_cookies()
    login(page, live_server, "e2e_controller")
    _english(page)
    page.goto(live_server.url + reverse("reporting:extract_detail", args=[extract.pk]))
    assert_no_serious_violations(page)
    page.get_by_role("button", name="Approve").click()
    page.wait_for_load_state()
    extract.refresh_from_db()
    assert extract.status == ExtractStatus.APPROVED and extract.decided_by == people["controller"]

    page.context.clear_cookies()
    login(page, live_server, "e2e_researcher")
    _english(page)
    page.goto(live_server.url + reverse("reporting:extract_detail", args=[extract.pk]))
    page.get_by_role("button", name="Generate the extract").click()
    page.wait_for_load_state()
    assert page.locator("#extract-status").inner_text() == "Generated"
    assert_no_serious_violations(page)
    with page.expect_download() as info:
        page.get_by_role("link", name="CSV").click()
    saved = tmp_path / "download.csv"
    info.value.save_as(saved)
    table = pl.read_csv(saved, infer_schema_length=0)
    assert table.columns == ["pseudonym", *QIS] and table.height == 60
    assert min(Counter(tuple(row[q] for q in QIS) for row in table.iter_rows(named=True)).values()) >= 5
    assert ExtractDownload.objects.filter(user=people["researcher"], file_format="csv").count() == 1
    assert DisclosureLog.objects.filter(client_id__isnull=True, channel="research_extract").count() == 1
