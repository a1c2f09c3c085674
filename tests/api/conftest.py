"""Fixtures for the API tests: tokens with chosen scopes, a care team's client, another organisation's client."""

from __future__ import annotations

import pytest

from polku.api.auth import ALL_SCOPES
from polku.api.services import create_personal_token
from polku.referrals.models import ReferralService, ServiceType
from tests.factories import OrganisationFactory, add_to_care_team, make_client, make_user


@pytest.fixture
def make_token():
    """make_token(user, scopes=None) -> the bearer string; all scopes the user's role permits by default."""
    from polku.api.auth import permitted_scopes

    def make(user, scopes=None, days: int = 30):
        chosen = set(scopes) if scopes is not None else set(permitted_scopes(user)) & set(ALL_SCOPES)
        return create_personal_token(actor=user, name="test", scopes=chosen, days=days).secret

    return make


@pytest.fixture
def bearer():
    def headers(token: str, **extra) -> dict:
        return {"HTTP_AUTHORIZATION": f"Bearer {token}", **extra}

    return headers


@pytest.fixture
def client_record(organisation, team_lead, nurse):
    record = make_client(organisation=organisation, created_by=team_lead, given_names_latin="Amal",
                         family_name_latin="Testinen", interpreter_needed=True, interpreter_language="ar")
    add_to_care_team(client=record, worker=nurse, assigned_by=team_lead, role="nurse")
    return record


@pytest.fixture
def other_organisation(areas):
    return OrganisationFactory(name="Toinen organisaatio (testi)")


@pytest.fixture
def other_worker(other_organisation):
    return make_user(role="professional", profession="nurse", organisation=other_organisation,
                     username="other_nurse")


@pytest.fixture
def other_client(other_organisation, other_worker):
    record = make_client(organisation=other_organisation, created_by=other_worker, given_names_latin="Baraa",
                         family_name_latin="Muualta")
    add_to_care_team(client=record, worker=other_worker, assigned_by=other_worker, role="nurse")
    return record


@pytest.fixture
def clinic(areas):
    return OrganisationFactory(name="Psykiatria (testi)")


@pytest.fixture
def polku_service(clinic):
    return ReferralService.objects.create(name_fi="Psykiatrian poliklinikka (testi)",
                                          service_type=ServiceType.PSYCHIATRIC_OUTPATIENT, organisation=clinic,
                                          uses_polku=True)
