"""The consultation demo data: demo users linked to the directory's simulated experts, requests with answers."""

from __future__ import annotations

import pytest

from polku.demo.organisations import create_demo_users, load_demo_organisations
from polku.directory.loader import load_directory_facts
from polku.network.demo import REQUESTS, seed_network_demo
from polku.network.models import Consultation, ConsultationStatus, ExpertAccount

pytestmark = pytest.mark.django_db


def test_the_demo_links_experts_and_simulates_requests_once(areas, settings):
    settings.POLKU_OUTBOX_DELIVER_ON_COMMIT = False
    create_demo_users(organisations=load_demo_organisations())
    load_directory_facts()
    result = seed_network_demo()
    assert result.expert_accounts == 3
    assert dict(ExpertAccount.objects.values_list("user__username", "expert__name")) == {
        "psykologi": "Liisa Kuuslahti (demo)", "laakari": "Samir Haddad (demo)",
        "koordinaattori": "Noora Salmivaara (demo)"}
    assert result.consultations == len(REQUESTS) == Consultation.objects.count()
    rated = [rating for *_, rating in REQUESTS if rating]
    closed = Consultation.objects.filter(status=ConsultationStatus.CLOSED)
    assert sorted(closed.values_list("rating", flat=True)) == sorted(rated)
    assert all(c.first_answered_at > c.created_at for c in closed)
    again = seed_network_demo()
    assert (again.expert_accounts, again.consultations) == (0, 0)
    assert Consultation.objects.count() == len(REQUESTS)
