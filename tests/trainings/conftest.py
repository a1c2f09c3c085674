"""Fixtures for the trainings tests: coordinators (national and area), professionals, events."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from polku.core.models import CollaborationArea
from polku.trainings.models import EventFormat, EventKind
from polku.trainings.services import EventData, create_event
from tests.factories import make_user


@pytest.fixture(autouse=True)
def outbox_in_tmp(settings, tmp_path):
    """The file outbox writes under the test's own directory, never under var/."""
    settings.POLKU_OUTBOX_DIR = tmp_path / "outbox"
    return settings.POLKU_OUTBOX_DIR


@pytest.fixture
def coordinator(organisation):
    return make_user(role="coordinator", organisation=organisation, username="coordinator",
                     coordinator_scope="national", first_name="Kaisa", last_name="Koordinaattori")


@pytest.fixture
def area_coordinator(organisation):
    return make_user(role="coordinator", organisation=organisation, username="oys_coordinator",
                     coordinator_scope="area", coordinator_area=CollaborationArea.objects.get(code="OYS"))


def event_data(**overrides) -> EventData:
    start = (timezone.now() + timedelta(days=7)).replace(microsecond=0)
    values = {"kind": EventKind.TRAINING, "format": EventFormat.IN_PERSON, "title_fi": "Traumakoulutus",
              "title_en": "Trauma training", "starts_at": start, "ends_at": start + timedelta(hours=3),
              "hours": Decimal("3.0"), "capacity": 2, "organiser_name": "THL / PALOMA",
              "place": "Helsinki, Mannerheimintie 166"}
    values.update(overrides)
    return EventData(**values)


@pytest.fixture
def make_event(coordinator):
    def make(**overrides):
        return create_event(actor=coordinator, data=event_data(**overrides))
    return make


@pytest.fixture
def event(make_event):
    return make_event()


@pytest.fixture
def professionals(organisation):
    return [make_user(role="professional", profession="nurse", organisation=organisation, username=f"pro{n}",
                      first_name=f"Pro{n}", last_name="Testinen") for n in range(5)]
