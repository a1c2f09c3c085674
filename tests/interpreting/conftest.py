"""Fixtures for the interpreting tests: a centre in Varsinais-Suomi, its dispatcher, interpreters, a client."""

from __future__ import annotations

from datetime import datetime, time

import pytest
import time_machine
from django.utils import timezone

from polku.core.models import Area, Municipality, OrganisationType
from polku.interpreting.models import Availability, CentreTerms, Interpreter, InterpreterLanguage
from tests.factories import OrganisationFactory, add_to_care_team, make_client, make_user

NOW = (2026, 3, 10, 12, 0)  # a Tuesday


def at(*args) -> datetime:
    """An aware local (Helsinki) time."""
    return timezone.make_aware(datetime(*args))


@pytest.fixture(autouse=True)
def outbox_in_tmp(settings, tmp_path):
    """The file outbox writes under the test's own directory, never under var/."""
    settings.POLKU_OUTBOX_DIR = tmp_path / "outbox"
    return settings.POLKU_OUTBOX_DIR


@pytest.fixture
def frozen_clock():
    with time_machine.travel(at(*NOW), tick=False):
        yield


@pytest.fixture
def centre(areas):
    centre = OrganisationFactory(name="Tulkkikeskus Testi", type=OrganisationType.INTERPRETER_CENTRE)
    CentreTerms.objects.create(centre=centre, hourly_rate="60.00", minimum_minutes=60, increment_minutes=30,
                               late_cancellation_hours=24)
    return centre


@pytest.fixture
def dispatcher(centre):
    return make_user(role="interpreter_dispatcher", organisation=centre, username="valittaja",
                     email="valittaja@example.invalid")


def make_interpreter(*, name: str, centre=None, languages=(("ar", "", 2),), gender: str = "female",
                     areas=("VS",), on_site=True, phone=True, video=True, user=None, hourly_rate=None,
                     minimum_minutes=None, mental_health_trained=False, weekdays=range(5),
                     hours=(time(8, 0), time(17, 0)), email: str = "") -> Interpreter:
    """An interpreter working Monday to Friday 8–17 unless told otherwise."""
    interpreter = Interpreter.objects.create(
        name=name, centre=centre, gender=gender, on_site=on_site, phone_mode=phone, video=video, user=user,
        hourly_rate=hourly_rate, minimum_minutes=minimum_minutes, mental_health_trained=mental_health_trained,
        home_area=Area.objects.get(code=areas[0]) if areas else None,
        email=email or f"{name.split()[0]}@example.invalid")
    interpreter.areas.set(Area.objects.filter(code__in=areas))
    for language, dialect, level in languages:
        InterpreterLanguage.objects.create(interpreter=interpreter, language=language, dialect=dialect,
                                           qualification=level)
    for weekday in weekdays:
        Availability.objects.create(interpreter=interpreter, weekday=weekday, start_time=hours[0], end_time=hours[1])
    return interpreter


@pytest.fixture
def client_record(organisation, team_lead, nurse):
    record = make_client(organisation=organisation, created_by=team_lead, interpreter_needed=True,
                         interpreter_language="ar", municipality=Municipality.objects.get(code="853"),
                         given_names_latin="Amal", family_name_latin="Haddad", preferred_language="ar")
    add_to_care_team(client=record, worker=nurse, assigned_by=team_lead, role="nurse")
    return record


@pytest.fixture
def interpreter_user(centre):
    return make_user(role="interpreter", organisation=centre, username="tulkki1", email="tulkki1@example.invalid")


@pytest.fixture
def amira(centre, interpreter_user):
    return make_interpreter(name="Amira Tulkki", centre=centre, user=interpreter_user, gender="female")


@pytest.fixture
def bashir(centre):
    return make_interpreter(name="Bashir Tulkki", centre=centre, gender="male")
