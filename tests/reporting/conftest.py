"""Fixtures of the reporting tests: a researcher, a steering-group member, a simulated caseload, a private var dir."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import pytest
from django.utils import timezone

from polku.casework.models import ClientLegalStatus, Meeting, MeetingOutcome, PathEvent
from polku.core.models import Municipality
from tests.factories import make_client, make_user

PERIOD_START = date(2025, 1, 1)
PERIOD_END = date(2025, 12, 31)

GIVEN = ["Aino", "Bashir", "Caamir", "Dunja", "Elham", "Farid", "Gulnar", "Hodan", "Ilyas", "Jamila", "Karim",
         "Leyla", "Mahmud", "Nasrin", "Omid", "Parwin", "Qasim", "Rahima", "Samir", "Tahmina"]
FAMILY = ["Abdikarimova", "Barakzai", "Chaudhry", "Dahir", "Ebrahimi", "Faizi", "Ghulamova", "Hashimi", "Ismailov",
          "Jafari", "Khalilzad", "Lutfiyya", "Mohamud", "Noorzai", "Osmanova", "Popalzai", "Qaderi", "Rahmani"]


@pytest.fixture(autouse=True)
def private_var_dir(tmp_path, monkeypatch):
    """Extracts and delivered reports go under the test's own directory."""
    from polku import config

    monkeypatch.setattr(config, "VAR_DIR", tmp_path / "var")
    return tmp_path / "var"


@pytest.fixture
def researcher(organisation):
    return make_user(role="researcher", organisation=organisation, username="researcher")


@pytest.fixture
def steering_member(organisation):
    return make_user(role="steering_group", organisation=organisation, username="steering")


@dataclass
class SimulatedClient:
    pk: int
    name: str
    native: str
    identity_code: str
    phone: str
    events_in_period: int


def simulate_caseload(*, organisation, creator, n: int, seed: int, diverse: bool = False) -> list[SimulatedClient]:
    """Clients with realistic attributes and path events inside (and a few outside) the period.

    `diverse=False` cycles the quasi-identifiers through a few common values (ten birth years, two genders,
    four countries in three regions, six municipalities in two collaboration areas), so that an extract of 60+
    clients passes k ≥ 5 only after generalisation; `diverse=True` gives every client a rare combination.
    """
    print(f"simulate_caseload seed={seed} n={n} diverse={diverse}")
    rng = random.Random(seed)
    municipalities = list(Municipality.objects.filter(area__code__in=["VS", "HEL"]).order_by("code")[:6])
    countries = ["SY", "IQ", "AF", "SO", "UA", "ER", "IR", "CD"]
    statuses = ["asylum_granted", "quota_refugee", "subsidiary_protection", "asylum_seeker", "family_member"]
    out = []
    for index in range(n):
        given, family = rng.choice(GIVEN), f"{rng.choice(FAMILY)}{index}"
        day = rng.randint(1, 28)
        birth_year = (1900 + index * 3) if diverse else 1980 + index % 10
        check = "ABCDEFHJKLMNPRSTUVWXY"[index % 21]
        identity_code = f"{day:02d}0{rng.randint(1, 9)}{birth_year % 100:02d}-{index % 1000:03d}{check}"
        phone = f"+35840{rng.randint(1000000, 9999999)}"
        client = make_client(
            organisation=organisation, created_by=creator, given_names_latin=given, family_name_latin=family,
            given_names=given, family_name=family, birth_year=birth_year,
            birth_date=date(birth_year, rng.randint(1, 12), day), identity_code=identity_code, phone=phone,
            gender=("woman", "man", "non_binary")[index % 3] if diverse else ("woman", "man")[index % 2],
            country_of_origin=countries[index % (len(countries) if diverse else 4)],
            municipality=municipalities[index % 6], preferred_language=rng.choice(["ar", "prs", "so"]),
            arrival_year=rng.choice([2015, 2016, 2022]), interpreter_needed=rng.random() < 0.6,
            created_at=timezone.make_aware(datetime(2024, 12, 1)))
        ClientLegalStatus.objects.create(client=client, status=statuses[index % (5 if diverse else 2)],
                                         valid_from=date(2024, 1, 1), recorded_by=creator)
        start = timezone.make_aware(datetime(2025, 1, 10, 9)) + timedelta(days=rng.randint(0, 200))
        events = rng.randint(2, 6)
        kinds = ["CLIENT_REGISTERED", "CARE_TEAM_ASSIGNED", "MEETING_HELD", "SCREENING_DONE", "PLAN_MADE",
                 "MEETING_HELD"]
        for step in range(events):
            PathEvent.objects.create(client=client, activity=kinds[step], at=start + timedelta(days=7 * step),
                                     actor=creator, actor_role="nurse", organisation=organisation,
                                     attributes={"note": f"free text about {given} {family}"})
        # An event before the period: not part of the extract's event log.
        PathEvent.objects.create(client=client, activity="CLIENT_REGISTERED",
                                 at=timezone.make_aware(datetime(2024, 12, 1, 10)), actor=creator)
        Meeting.objects.create(client=client, starts_at=start, outcome=MeetingOutcome.HELD, actual_minutes=60,
                               place="office", place_detail=f"Kotikatu {index} A", created_by=creator)
        out.append(SimulatedClient(pk=client.pk, name=f"{given} {family}", native=f"{given} {family}",
                                   identity_code=identity_code, phone=phone, events_in_period=events))
    return out
