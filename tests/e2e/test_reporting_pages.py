"""The quality dashboard and the client's access report (Arabic, right to left) in a real browser, checked by axe."""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from polku.casework.models import Meeting, MeetingOutcome
from polku.reporting.access_labels import LABELS
from tests.e2e.helpers import assert_no_serious_violations, login
from tests.factories import OrganisationFactory, add_to_care_team, make_client, make_user


def test_quality_dashboard_and_arabic_access_report_pass_axe(areas, page, live_server):
    organisation = OrganisationFactory(name="Polku e2e quality")
    lead = make_user(role="team_lead", profession="nurse", organisation=organisation, username="e2e_lead")
    nurse = make_user(role="professional", profession="nurse", organisation=organisation, username="e2e_nurse2")
    own = make_client(organisation=organisation, created_by=lead, given_names_latin="Nasrin",
                      family_name_latin="Own-Client")
    other = make_client(organisation=organisation, created_by=nurse, given_names_latin="Farid",
                        family_name_latin="Other-Client")
    add_to_care_team(client=own, worker=lead)
    add_to_care_team(client=other, worker=nurse)
    for client, worker in ((own, lead), (other, nurse)):
        Meeting.objects.create(client=client, starts_at=timezone.now() - timedelta(days=10), actual_minutes=60,
                               outcome=MeetingOutcome.HELD, place="office", created_by=worker)

    login(page, live_server, "e2e_lead")
    page.goto(live_server.url + reverse("reporting:quality_dashboard"))
    assert page.get_by_role("link", name="Nasrin Own-Client").count() == 1
    assert "Other-Client" not in page.content()
    assert_no_serious_violations(page)

    page.goto(live_server.url + reverse("reporting:access_report", args=[own.pk]) + "?language=ar")
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.locator("h1").inner_text() == LABELS["ar"]["title"]
    assert_no_serious_violations(page)


def test_delivered_reports_list_passes_axe_and_offers_the_file(areas, page, live_server, tmp_path, monkeypatch):
    from datetime import date

    from polku import config
    from polku.reporting import scheduled

    monkeypatch.setattr(config, "VAR_DIR", tmp_path / "var")
    organisation = OrganisationFactory(name="Polku e2e schedule")
    member = make_user(role="steering_group", organisation=organisation, username="e2e_steering")
    controller = make_user(role="administrator", organisation=organisation, username="e2e_admin2")
    schedule = scheduled.create_schedule(actor=controller, organisation=organisation, recipients=[member])
    backend = scheduled.SteeringBackend(build=lambda **kwargs: kwargs,
                                        renderers={"pdf": lambda report: b"%PDF-1.4 fake"})
    report, _created = scheduled.run_schedule(schedule=schedule, today=date(2026, 5, 2), backend=backend)

    login(page, live_server, "e2e_steering")
    page.goto(live_server.url + reverse("reporting:generated_report_list"))
    link = page.get_by_role("link", name=report.file_name)
    assert link.get_attribute("href") == reverse("reporting:generated_report", args=[report.pk])
    assert_no_serious_violations(page)
