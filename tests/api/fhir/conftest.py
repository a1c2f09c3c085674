"""Fixtures for the FHIR facade: two organisations, a client of organisation A with data of every kind, tokens."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from django.utils import timezone, translation
from fhir.resources.R4B import get_fhir_model_class

from polku.api.fhir.auth import WRITE_SCOPE
from polku.api.services import create_personal_token
from polku.casework.models import ClientLanguage, Meeting, MeetingOutcome, MeetingParticipant, ParticipantKind
from polku.casework.services.plans import PlanActionIn, create_service_plan
from polku.casework.services.screening import administer_screening
from polku.core.models import OrganisationType
from polku.referrals.services.referrals import record_incoming_referral
from tests.factories import OrganisationFactory, add_to_care_team, make_client, make_user

PHQ9 = {f"phq9-{n}": value for n, value in enumerate([2, 1, 0, 3, 1, 2, 1, 2, 1], start=1)}


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def validate(body: dict) -> dict:
    """Parse a response body with the fhir.resources R4B model of its type; every Bundle entry too."""
    get_fhir_model_class(body["resourceType"]).model_validate(body)
    for entry in body.get("entry", []):
        get_fhir_model_class(entry["resource"]["resourceType"]).model_validate(entry["resource"])
    return body


def token_for(user, scopes=("fhir:read", WRITE_SCOPE)) -> str:
    return create_personal_token(actor=user, name="fhir test", scopes=list(scopes)).secret


class FhirClient:
    """The Django test client with a bearer token, answering parsed and validated FHIR JSON."""

    def __init__(self, client, token: str | None):
        self.client = client
        self.headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}

    def get(self, url: str, **extra):
        response = self.client.get(url, **self.headers, **extra)
        return response, validate(json.loads(response.content))

    def post(self, url: str, body, content_type: str = "application/fhir+json"):
        data = body if isinstance(body, (str, bytes)) else json.dumps(body)
        response = self.client.post(url, data=data, content_type=content_type, **self.headers)
        return response, validate(json.loads(response.content))


@pytest.fixture
def record(organisation, nurse, counsellor, team_lead):
    client = make_client(organisation=organisation, created_by=team_lead, given_names_latin="Amina",
                         family_name_latin="Hassan", given_names="أمينة", family_name="حسن",
                         birth_date=date(1988, 4, 2), birth_year=1988, gender="woman", identity_code="020488-998X",
                         immigration_number="MIG123", preferred_language="ar", interpreter_needed=True,
                         interpreter_language="ar", phone="+358401234567")
    ClientLanguage.objects.create(client=client, language="fr", proficiency="working")
    add_to_care_team(client=client, worker=nurse, assigned_by=team_lead, role="nurse")
    add_to_care_team(client=client, worker=counsellor, assigned_by=team_lead, role="social_counsellor")
    return client


@pytest.fixture
def held_meeting(record, nurse, counsellor):
    meeting = Meeting.objects.create(client=record, starts_at=timezone.now() - timedelta(days=3), planned_minutes=60,
                                     actual_minutes=50, place="office", outcome=MeetingOutcome.HELD,
                                     interpreter_used=True, interpreter_language="ar", interpreter_name="Tulkki T",
                                     created_by=nurse)
    for worker in (nurse, counsellor):
        MeetingParticipant.objects.create(meeting=meeting, kind=ParticipantKind.WORKER, worker=worker)
    MeetingParticipant.objects.create(meeting=meeting, kind=ParticipantKind.INTERPRETER, description="Tulkki T")
    return meeting


@pytest.fixture
def screening(record, nurse):
    return administer_screening(actor=nurse, client=record, instrument_code="phq-9", answers=PHQ9,
                                client_language="ar", worker_language="fi")


@pytest.fixture
def referral(record, nurse):
    return record_incoming_referral(actor=nurse, client=record, external_sender="Terveysasema X",
                                    reason="Univaikeudet", urgency="soon")


@pytest.fixture
def plan(record, nurse):
    return create_service_plan(actor=nurse, client=record, agreed_on=date(2026, 1, 5), review_on=date(2026, 3, 1),
                               goals=["Sleep better"], actions=[PlanActionIn("Sleep diary", nurse, None, 0)])


@pytest.fixture
def other_organisation(areas):
    return OrganisationFactory(name="Organisaatio B")


@pytest.fixture
def nurse_b(other_organisation):
    return make_user(role="professional", profession="nurse", organisation=other_organisation, username="nurse_b")


@pytest.fixture
def centre(areas):
    return OrganisationFactory(name="Tulkkikeskus", type=OrganisationType.INTERPRETER_CENTRE)


@pytest.fixture
def fhir(client, nurse):
    return FhirClient(client, token_for(nurse))


@pytest.fixture
def fhir_b(client, nurse_b):
    return FhirClient(client, token_for(nurse_b))
