"""The steering-group report in a real browser: a steering-group member opens it, switches the period, downloads
the PDF and the XLSX, and cannot open any client page; axe-core finds no serious violation on the way."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from playwright.sync_api import expect
from pypdf import PdfReader

from polku.casework.models import Client
from polku.core.models import User
from tests.e2e.helpers import assert_no_serious_violations, login
from tests.factories import TEST_PASSWORD, make_user
from tests.reporting.steering.conftest import simulate

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def county(areas):
    county = simulate(clients=40)
    # The demo's steering-group login (demo.organisations.DEMO_USERS; the simulator makes the demo users),
    # here with the test password.
    member = User.objects.filter(username="ohjausryhma").first() or make_user(
        role="steering_group", organisation=county, username="ohjausryhma")
    assert member.role == "steering_group"
    member.set_password(TEST_PASSWORD)
    member.save()
    return county


def test_steering_group_member_reads_switches_and_downloads_the_report_but_no_client(page, live_server, county):
    login(page, live_server, "ohjausryhma")
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")

    page.goto(live_server.url + reverse("reporting:steering:report"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Steering-group report")
    # Last month by default, counted from today (a fixed month stopped being "last month" when the calendar moved).
    last_end = timezone.localdate().replace(day=1) - timedelta(days=1)
    last_start = last_end.replace(day=1)
    expect(page.locator("#report-period")).to_have_text(
        f"{last_start.day}.{last_start.month}.{last_start.year}–{last_end.day}.{last_end.month}.{last_end.year}")
    expect(page.locator("#s-paths")).to_be_visible()
    assert_no_serious_violations(page)

    # Another period, compared with the one before it.
    page.locator("#id_alkaen").fill("2026-01-01")
    page.locator("#id_asti").fill("2026-06-30")
    page.get_by_label("Compare with the previous period", exact=True).check()
    with page.expect_navigation():
        page.get_by_role("button", name="Show report").click()
    expect(page.locator("#report-period")).to_have_text("1.1.2026–30.6.2026")
    expect(page.locator("#report-scope")).to_contain_text("compared with 4.7.2025–31.12.2025")
    expect(page.locator("#t-clients_flow th").filter(has_text="previous period").first).to_be_visible()
    assert_no_serious_violations(page)
    with page.expect_navigation():
        page.locator("#previous-period").click()
    expect(page.locator("#report-period")).to_have_text("4.7.2025–31.12.2025")

    with page.expect_download() as download:
        page.locator("#download-pdf").click()
    pdf = PdfReader(download.value.path())
    assert len(pdf.pages) > 1 and "Service paths" in "".join(p.extract_text() for p in pdf.pages)
    with page.expect_download() as download:
        page.locator("#download-xlsx").click()
    with open(download.value.path(), "rb") as handle:
        workbook = load_workbook(io.BytesIO(handle.read()))
    assert "clients_flow" in workbook.sheetnames

    # An invalid period is an error on the field, not a crash.
    page.locator("#id_alkaen").fill("2026-06-30")
    page.locator("#id_asti").fill("2026-01-01")
    with page.expect_navigation():
        page.get_by_role("button", name="Show report").click()
    expect(page.locator("#form-errors")).to_contain_text("To: The end of the period is before its start.")
    assert_no_serious_violations(page)

    # No client page opens for the steering group, whichever client.
    for client_id in Client.objects.order_by("pk").values_list("pk", flat=True)[:3]:
        for name in ("casework:client_detail", "casework:client_edit"):
            response = page.goto(live_server.url + reverse(name, args=[client_id]))
            assert response.status in (403, 404), (name, client_id, response.status)
    response = page.goto(live_server.url + reverse("casework:my_clients"))
    assert response.status in (403, 404)
