"""Workload and suppressed statistics, the research network, news with Atom feeds, and the demo data."""

from __future__ import annotations

from datetime import timedelta
from xml.etree import ElementTree

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from polku.core.errors import AccessDenied, DomainError
from polku.core.models import Area, CollaborationArea
from polku.network.models import Consultation, MembershipStatus, NewsItem
from polku.network.selectors import list_area_statistics, list_expert_workload, suppress
from polku.network.services import post_message
from polku.network.services_network import (
    apply_for_research_membership,
    decide_research_membership,
    publish_news,
    publish_research_call,
)
from tests.factories import OrganisationFactory, make_user
from tests.network.conftest import ask

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"


def parse_feed(content: bytes):
    """Our own server's feed, generated in the test: not untrusted input."""
    return ElementTree.fromstring(content)  # noqa: S314


@pytest.fixture(autouse=True)
def _quiet(settings):
    settings.POLKU_OUTBOX_DELIVER_ON_COMMIT = False


def test_counts_under_five_are_suppressed():
    assert [suppress(n) for n in (0, 1, 4, 5, 12)] == ["0", "<5", "<5", "5", "12"]


def test_area_statistics_show_the_median_only_from_five_answers_and_suppress_small_counts(network):
    answer_hours = [1, 2, 3, 10, 20]  # median 3 by hand
    asked = timezone.now() - timedelta(days=10)
    for hours in answer_hours:
        consultation = ask(network, topics=["trauma"])
        Consultation.objects.filter(pk=consultation.pk).update(
            created_at=asked, first_answered_at=asked + timedelta(hours=hours))
    ask(network, topics=["psychosis"])  # a sixth OYS request, unanswered
    tampere = OrganisationFactory(home_area=Area.objects.get(code="PI"))
    for _ in range(2):
        ask(network, actor=make_user(role="professional", profession="nurse", organisation=tampere),
            area=Area.objects.get(code="PI"))
    with translation.override("en"):  # area names and topic labels are checked in English
        rows = {row.area: row for row in list_area_statistics(viewer=network.coordinator)}
        oys = rows[CollaborationArea.objects.get(code="OYS").name]
        tays = rows[CollaborationArea.objects.get(code="TAYS").name]
    assert (oys.requests, oys.answered, oys.median_hours) == ("6", "5", "3.0")
    topics = dict(oys.topics)
    assert topics["Trauma"] == "5" and topics["Psychosis"] == "<5"
    assert (tays.requests, tays.answered, tays.median_hours) == ("<5", "0", "–")


def test_statistics_and_workload_are_refused_to_a_plain_professional(network):
    with pytest.raises(AccessDenied):
        list_area_statistics(viewer=network.worker)
    with pytest.raises(AccessDenied):
        list_expert_workload(viewer=network.worker)


def test_the_workload_counts_open_and_answered_requests_per_expert(network, client):
    first = ask(network)
    ask(network)
    post_message(actor=network.trauma_expert, consultation=first, body="Vastaus")
    loads = {row.name: row for row in list_expert_workload(viewer=network.coordinator)}
    assert (loads["Olli Oulu"].open_requests, loads["Olli Oulu"].answered) == (1, 1)
    assert (loads["Kaisa Pohjoinen"].open_requests, loads["Kaisa Pohjoinen"].answered) == (1, 0)
    client.force_login(network.coordinator)
    assert client.get(reverse("network:workload")).status_code == 200
    client.force_login(network.worker)
    assert client.get(reverse("network:workload")).status_code == 403


def test_research_membership_is_applied_for_once_and_approved_by_a_coordinator(network):
    membership = apply_for_research_membership(actor=network.worker, organisation_name="Lapin yliopisto",
                                               research_interests="Tulkatut terapiat")
    with pytest.raises(DomainError):
        apply_for_research_membership(actor=network.worker, organisation_name="X", research_interests="Y")
    with pytest.raises(AccessDenied):
        decide_research_membership(actor=network.worker, membership=membership, approve=True)
    with pytest.raises(AccessDenied):
        publish_research_call(actor=network.worker, title="T", body="B", contact="C")
    approved = decide_research_membership(actor=network.coordinator, membership=membership, approve=True)
    assert approved.status == MembershipStatus.APPROVED and approved.decided_by == network.coordinator
    with pytest.raises(DomainError):
        decide_research_membership(actor=network.coordinator, membership=membership, approve=False)
    call = publish_research_call(actor=network.worker, title="Tulkatun terapian tutkimus", body="Etsimme kumppaneita",
                                 contact="tutkimus@example.fi")
    assert call.author == network.worker


def test_a_past_deadline_for_a_call_is_refused(network):
    with pytest.raises(DomainError) as refused:
        publish_research_call(actor=network.coordinator, title="T", body="B", contact="C",
                              deadline=timezone.localdate() - timedelta(days=1))
    assert refused.value.field == "deadline"


def test_news_need_finnish_and_an_area_coordinator_publishes_only_for_their_area(network):
    with pytest.raises(AccessDenied):
        publish_news(actor=network.worker, collaboration_area=None, title_fi="Otsikko", body_fi="Teksti")
    with pytest.raises(DomainError) as refused:
        publish_news(actor=network.coordinator, collaboration_area=None, title_fi="", body_fi="Teksti")
    assert refused.value.field == "title_fi"
    with pytest.raises(DomainError) as refused:
        publish_news(actor=network.area_coordinator, collaboration_area=None, title_fi="O", body_fi="T")
    assert refused.value.field == "collaboration_area"
    with pytest.raises(DomainError) as refused:
        publish_news(actor=network.coordinator, collaboration_area=None, title_fi="O", body_fi="T", title_en="Only")
    assert refused.value.field == "title_en"


def test_the_atom_feeds_carry_national_news_everywhere_and_area_news_only_in_their_area(network, client):
    oys = CollaborationArea.objects.get(code="OYS")
    publish_news(actor=network.coordinator, collaboration_area=None, title_fi="Valtakunnallinen koulutus",
                 body_fi="Kaikille", title_en="National training", body_en="For everyone")
    publish_news(actor=network.area_coordinator, collaboration_area=oys, title_fi="Oulun verkostotapaaminen",
                 body_fi="Pohjoisen toimijoille")
    national = parse_feed(client.get(reverse("network:news_feed")).content)
    assert national.tag == f"{ATOM}feed"
    assert [e.findtext(f"{ATOM}title") for e in national.iter(f"{ATOM}entry")] == ["Valtakunnallinen koulutus"]
    response = client.get(reverse("network:area_news_feed", args=["oys"]))
    assert response["Content-Type"].startswith("application/atom+xml")
    area = parse_feed(response.content)
    titles = {e.findtext(f"{ATOM}title") for e in area.iter(f"{ATOM}entry")}
    assert titles == {"Valtakunnallinen koulutus", "Oulun verkostotapaaminen"}
    ids = {e.findtext(f"{ATOM}id") for e in area.iter(f"{ATOM}entry")}
    assert ids == {f"urn:uuid:{item.uuid}" for item in NewsItem.objects.all()}
    hus = parse_feed(client.get(reverse("network:area_news_feed", args=["hus"])).content)
    assert "Oulun verkostotapaaminen" not in {e.findtext(f"{ATOM}title") for e in hus.iter(f"{ATOM}entry")}
    assert client.get(reverse("network:area_news_feed", args=["xyz"])).status_code == 404


def test_the_english_feed_uses_the_english_title_when_there_is_one(network, client):
    publish_news(actor=network.coordinator, collaboration_area=None, title_fi="Koulutus", body_fi="Teksti",
                 title_en="Training", body_en="Text")
    client.cookies["polku_language"] = "en"
    feed = parse_feed(client.get(reverse("network:news_feed")).content)
    assert [e.findtext(f"{ATOM}title") for e in feed.iter(f"{ATOM}entry")] == ["Training"]


def test_the_research_and_news_pages_render(network, client):
    client.force_login(network.coordinator)
    for name in ("network:research", "network:research_applications", "network:research_call_new", "network:news",
                 "network:news_new", "network:notifications", "network:notification_settings", "network:overview"):
        assert client.get(reverse(name)).status_code == 200, name
    response = client.post(reverse("network:news_new"), {"title_fi": "Uutinen", "body_fi": "Teksti"})
    assert response.status_code == 302 and NewsItem.objects.get().collaboration_area is None
