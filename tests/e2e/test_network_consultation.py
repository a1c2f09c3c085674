"""A consultation along the whole way in a real browser: the "Done when" of the consultation issue.

A social counsellor in Lappi asks about an interpreter-mediated trauma case; a valid identity code in the text
brings the masked preview, and the masked text is sent; the request routes to the Northern Finland experts;
left unanswered past its target, the periodic check (run here with a later clock) moves it to national level;
an expert answers; the counsellor rates it. axe-core checks every page on the way.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from polku.core.models import Area, CollaborationArea
from polku.network.models import Consultation, ConsultationStatus, RoutingLevel
from polku.network.services import check_consultations
from tests.e2e.helpers import assert_no_serious_violations
from tests.factories import OrganisationFactory, make_user
from tests.network.conftest import make_expert

pytestmark = pytest.mark.django_db(transaction=True)
VALID_CODE = "131052-308T"


@pytest.fixture
def people(areas, settings, tmp_path):
    settings.POLKU_NETWORK_ATTACHMENT_DIR = tmp_path / "attachments"
    settings.POLKU_OUTBOX_DIR = tmp_path / "outbox"
    lappi = OrganisationFactory(name="Lapin sosiaalipalvelut", home_area=Area.objects.get(code="LA"))
    make_user(role="professional", profession="social_counsellor", organisation=lappi, username="sosiaali",
              first_name="Sanna", last_name="Sosiaaliohjaaja")
    make_expert(name="Kaisa Pohjoinen", area="PP", topics="family-counselling", role=("area_actor", "OYS"),
                username="pohjoinen")
    make_expert(name="Olli Oulu", area="LA", topics="trauma-therapy interpreting", username="oulu")
    make_expert(name="Tampereen Trauma", area="PI", topics="trauma-therapy", role=("area_actor", "TAYS"),
                username="tampere")
    make_expert(name="Noora Kansallinen", area=None, topics="consultation", role=("national_coordinator", None),
                username="kansallinen")
    assert CollaborationArea.objects.filter(code="OYS").exists()



def submit(page, label: str) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name=label).click()
    assert_no_serious_violations(page)


def test_a_lappi_consultation_routes_north_escalates_nationally_and_is_answered_and_rated(
        open_as, live_server, people):
    # The counsellor in Lappi describes the case; the identity code left in the text brings the masked preview.
    worker = open_as("sosiaali")
    worker.goto(live_server.url + reverse("network:new"))
    assert_no_serious_violations(worker)
    expect(worker.get_by_label("Wellbeing services area")).to_have_value(str(Area.objects.get(code="LA").pk))
    worker.get_by_label("Title").fill("Trauma and interpreting in a family meeting")
    worker.get_by_label("Trauma", exact=True).check()
    worker.get_by_label("Interpreter-mediated work").check()
    worker.get_by_label("Urgent (answer within 2 working days)").check()
    worker.get_by_label("Languages", exact=False).select_option(["fi"])
    worker.get_by_label("Case description").fill(
        f"An adult client ({VALID_CODE}) stops talking when the interpreter translates war memories.")
    submit(worker, "Send the request")
    preview = worker.locator(".masked-preview")
    expect(preview.get_by_role("listitem")).to_have_text(["Personal identity code"])
    expect(preview).to_contain_text("An adult client (******-****) stops talking")
    assert not Consultation.objects.exists()
    submit(worker, "Send the masked text")
    consultation = Consultation.objects.get()
    assert VALID_CODE not in consultation.description and consultation.masked
    expect(worker.get_by_role("heading", level=1)).to_contain_text(consultation.reference)

    # Routed to the Northern Finland experts, not to the Tampere expert nor yet to national level.
    recipients = worker.locator("ul.recipients")
    expect(recipients).to_contain_text("Kaisa Pohjoinen")
    expect(recipients).to_contain_text("Olli Oulu")
    expect(recipients).not_to_contain_text("Tampereen Trauma")
    expect(recipients).not_to_contain_text("Noora Kansallinen")
    expect(worker.locator(".consultation-level")).to_have_text("Collaboration area")

    # Nobody answers by the target: the periodic check, run with a clock past it, escalates.
    result = check_consultations(now=consultation.due_at + timedelta(minutes=1))
    assert result.escalated == 1
    worker.reload()
    assert_no_serious_violations(worker)
    expect(worker.locator(".consultation-level")).to_contain_text("National")
    expect(recipients).to_contain_text("Noora Kansallinen")
    consultation.refresh_from_db()
    assert consultation.level == RoutingLevel.NATIONAL

    # The northern expert finds it among the notifications and answers.
    expert = open_as("oulu")
    expert.goto(live_server.url + reverse("network:notifications"))
    assert_no_serious_violations(expert)
    expect(expert.locator("ul.notifications")).to_contain_text(consultation.reference)
    with expert.expect_navigation():
        # Subjects are in the recipient's preferred language (Finnish here): pick by the reference instead.
        expert.locator("ul.notifications li").filter(has_text=consultation.reference).get_by_role(
            "button").first.click()
    assert_no_serious_violations(expert)
    expert.get_by_label("Message").fill("Book the same interpreter each time and agree on pauses beforehand.")
    submit(expert, "Send the answer")
    expect(expert.locator("ol.thread")).to_contain_text("Book the same interpreter")

    # The counsellor reads the answer and rates it.
    worker.reload()
    expect(worker.locator("ol.thread")).to_contain_text("Book the same interpreter")
    worker.get_by_label("5", exact=True).check()
    worker.get_by_label("Comment (optional)").fill("Very practical.")
    submit(worker, "Close the request")
    expect(worker.locator(".consultation-status")).to_have_text("Closed")
    expect(worker.locator(".consultation-rating")).to_contain_text("5 / 5")
    consultation.refresh_from_db()
    assert (consultation.status, consultation.rating) == (ConsultationStatus.CLOSED, 5)


def test_the_network_pages_of_a_coordinator_have_no_serious_accessibility_violations(open_as, live_server, people):
    from polku.network.services_network import apply_for_research_membership, publish_news

    thl = OrganisationFactory(name="THL e2e", home_area=Area.objects.get(code="HEL"))
    coordinator = make_user(role="coordinator", organisation=thl, username="koordinaattori",
                            coordinator_scope="national")
    publish_news(actor=coordinator, collaboration_area=None, title_fi="Koulutus", body_fi="Teksti",
                 title_en="A national training", body_en="For the whole network.")
    from polku.core.models import User

    apply_for_research_membership(actor=User.objects.get(username="sosiaali"), organisation_name="Lapin yliopisto",
                                  research_interests="Interpreter-mediated therapy")
    page = open_as("koordinaattori")
    for name in ("network:overview", "network:workload", "network:research", "network:research_applications",
                 "network:research_call_new", "network:news", "network:news_new", "network:notifications",
                 "network:notification_settings"):
        page.goto(live_server.url + reverse(name))
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        assert_no_serious_violations(page)
    page.goto(live_server.url + reverse("network:research_applications"))
    submit(page, "Approve – Sanna Sosiaaliohjaaja")
    expect(page.locator(".messages")).to_contain_text("The decision is recorded.")
    page.goto(live_server.url + reverse("network:news"))
    expect(page.locator("main")).to_contain_text("A national training")
    # A request in the coordinator's view: route it to one more expert by hand, then move it to national level.
    from polku.network.services import ask_consultation

    consultation = ask_consultation(actor=User.objects.get(username="sosiaali"), title="Psychosis and interpreting",
                                    description="Voices heard during interpreted meetings.", topics=["psychosis"],
                                    urgency="normal", area=Area.objects.get(code="LA"))
    page.goto(live_server.url + reverse("network:detail", args=[consultation.pk]))
    assert_no_serious_violations(page)
    page.locator("#id_expert").select_option(label="Tampereen Trauma")
    submit(page, "Route to this expert")
    expect(page.locator("ul.recipients")).to_contain_text("Tampereen Trauma")
    submit(page, "Move to national level now")
    expect(page.locator(".consultation-level")).to_contain_text("National")
    # The news form with its errors.
    page.goto(live_server.url + reverse("network:news_new"))
    submit(page, "Publish")
    expect(page.locator(".error-summary")).to_be_visible()
