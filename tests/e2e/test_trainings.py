"""Trainings in a real browser: a professional enrols and downloads the .ics, the coordinator marks attendance,
the professional downloads the certificate; no serious axe-core violations on the way."""

from __future__ import annotations

import io
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar
from playwright.sync_api import expect
from pypdf import PdfReader

from tests.e2e.helpers import assert_no_serious_violations, login


@pytest.fixture
def world(transactional_db, areas, settings, tmp_path):
    from polku.trainings.demo import _seed_paloma_course
    from polku.trainings.models import EventFormat, EventKind
    from polku.trainings.services import EventData, create_event
    from tests.factories import OrganisationFactory, make_user

    settings.POLKU_OUTBOX_DIR = tmp_path / "outbox"
    organisation = OrganisationFactory()
    make_user(role="professional", profession="nurse", organisation=organisation, username="hoitaja",
              first_name="Hanna", last_name="Hoitaja")
    coordinator = make_user(role="coordinator", organisation=organisation, username="koordinaattori",
                            coordinator_scope="national")
    start = (timezone.localtime() + timedelta(days=2)).replace(hour=9, minute=0, second=0, microsecond=0)
    event = create_event(actor=coordinator, data=EventData(
        kind=EventKind.TRAINING, format=EventFormat.IN_PERSON, title_fi="Traumatietoinen työote",
        title_en="Trauma-informed work", starts_at=start, ends_at=start + timedelta(hours=3), hours=Decimal("3"),
        capacity=10, organiser_name="THL / PALOMA", place="Helsinki, Mannerheimintie 166"))
    _seed_paloma_course(None)
    return {"event": event}


def test_enrol_download_the_invitation_attendance_and_certificate(page, live_server, world):
    from polku.trainings.models import TrainingEvent

    event = world["event"]
    login(page, live_server, "hoitaja")
    page.goto(live_server.url + reverse("trainings:event_list"))
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert_no_serious_violations(page)
    page.get_by_role("link", name="Traumatietoinen työote").click()
    assert_no_serious_violations(page)

    with page.expect_navigation():
        page.locator(f"form[action='{reverse('trainings:enrol', args=[event.pk])}'] button").click()
    expect(page.locator("#enrolment-status")).to_be_visible()
    assert_no_serious_violations(page)
    with page.expect_download() as download_info:
        page.locator("a[href$='kalenteri.ics']").click()
    calendar = Calendar.from_ical(Path(download_info.value.path()).read_bytes())
    [vevent] = calendar.walk("VEVENT")
    assert str(calendar["METHOD"]) == "REQUEST"
    assert str(vevent["UID"]) == f"training-{event.uid}@polku.invalid"
    assert str(vevent["SUMMARY"]) == "Traumatietoinen työote"

    # The event takes place: move it into the past (attendance is marked once an event has started).
    TrainingEvent.objects.filter(pk=event.pk).update(starts_at=timezone.now() - timedelta(hours=4),
                                                     ends_at=timezone.now() - timedelta(hours=1))
    page.context.clear_cookies()
    login(page, live_server, "koordinaattori")
    page.goto(live_server.url + reverse("trainings:event_manage", args=[event.pk]))
    expect(page.locator("main table")).to_contain_text("Hanna Hoitaja")
    assert_no_serious_violations(page)
    page.get_by_label("Hanna Hoitaja").check()
    with page.expect_navigation():
        page.locator("main form button.primary").click()
    expect(page.locator(".messages")).to_be_visible()
    expect(page.get_by_label("Hanna Hoitaja")).to_be_checked()
    assert_no_serious_violations(page)

    page.context.clear_cookies()
    login(page, live_server, "hoitaja")
    page.goto(live_server.url + reverse("trainings:event_detail", args=[event.pk]))
    assert_no_serious_violations(page)
    with page.expect_download() as download_info:
        page.locator("a[href$='todistus.pdf']").click()
    reader = PdfReader(io.BytesIO(Path(download_info.value.path()).read_bytes()))
    text = reader.pages[0].extract_text()
    assert len(reader.pages) == 1
    assert "Hanna Hoitaja" in text and "Traumatietoinen työote" in text

    page.goto(live_server.url + reverse("trainings:my_trainings"))
    expect(page.locator("main")).to_contain_text("Traumatietoinen työote")
    assert_no_serious_violations(page)


def test_the_course_checklist_and_the_organiser_forms_have_no_serious_accessibility_violations(page, live_server,
                                                                                               world):
    login(page, live_server, "hoitaja")
    page.goto(live_server.url + reverse("trainings:course_detail", args=["paloma-koulutus"]))
    expect(page.locator("ol.checklist li")).to_have_count(16)
    with page.expect_navigation():
        page.locator("#module-1 button").click()
    expect(page.locator("#course-progress")).to_contain_text("1")
    assert_no_serious_violations(page)

    refused = page.goto(live_server.url + reverse("trainings:event_cancel", args=[world["event"].pk]))
    assert refused.status == 403  # a nurse cannot cancel an event

    page.context.clear_cookies()
    login(page, live_server, "koordinaattori")
    page.goto(live_server.url + reverse("trainings:event_new"))
    assert_no_serious_violations(page)
    with page.expect_navigation():
        page.locator("main form button.primary").click()  # an empty form: every required field is marked
    expect(page.locator(".error-summary")).to_be_visible()
    assert_no_serious_violations(page)
    page.goto(live_server.url + reverse("trainings:event_cancel", args=[world["event"].pk]))
    assert_no_serious_violations(page)
