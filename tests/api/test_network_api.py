"""Consultations and training events, read only, through the network and trainings apps' selectors."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from polku.core.models import CollaborationArea
from polku.network.models import Consultation
from polku.trainings.models import TrainingEvent
from tests.api.test_auth import assert_problem

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.api.urls_api")]


def _consultation(asker, title: str) -> Consultation:
    return Consultation.objects.create(asker=asker, title=title, description="Masked case description",
                                       topics=["trauma"], urgency="normal",
                                       collaboration_area=CollaborationArea.objects.get(code="TYKS"),
                                       due_at=timezone.now() + timedelta(days=5))


def test_consultations_list_shows_only_those_i_may_see(client, nurse, counsellor, make_token, bearer):
    mine = _consultation(nurse, "Sleep after torture")
    theirs = _consultation(counsellor, "Not mine")
    headers = bearer(make_token(nurse, {"consultations:read"}))
    body = client.get("/api/v1/network/consultations", **headers).json()
    assert [row["id"] for row in body["items"]] == [mine.pk] and body["count"] == 1
    assert "description" not in body["items"][0]
    assert body["items"][0]["collaboration_area"] == "TYKS"
    assert client.get(f"/api/v1/network/consultations/{mine.pk}", **headers).json()["title"] == "Sleep after torture"
    assert_problem(client.get(f"/api/v1/network/consultations/{theirs.pk}", **headers), 404)


def test_training_events_are_listed_soonest_first(client, nurse, make_token, bearer):
    start = timezone.now() + timedelta(days=10)
    common = {"format": "online", "organiser_name": "X", "created_by": nurse, "capacity": 20}
    later = TrainingEvent.objects.create(kind="training", title_fi="Myöhempi", online_url="https://meet.example/a",
                                         starts_at=start + timedelta(days=1),
                                         ends_at=start + timedelta(days=1, hours=2), hours=2, **common)
    sooner = TrainingEvent.objects.create(kind="seminar", title_fi="Aiempi", online_url="https://meet.example/b",
                                          starts_at=start, ends_at=start + timedelta(hours=3), hours=3, **common)
    body = client.get("/api/v1/network/trainings", **bearer(make_token(nurse, {"trainings:read"}))).json()
    assert [row["id"] for row in body["items"]] == [sooner.pk, later.pk]
    assert body["items"][0]["enrolled"] == 0 and body["items"][0]["uid"] == str(sooner.uid)


def test_trainings_need_their_scope(client, nurse, make_token, bearer):
    assert_problem(client.get("/api/v1/network/trainings", **bearer(make_token(nurse, {"directory:read"}))), 403)
