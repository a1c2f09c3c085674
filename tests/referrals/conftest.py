"""Fixtures for referrals: a care team's client, a service in Polku's inbox, one outside it, and their workers."""

from __future__ import annotations

from datetime import datetime

import pytest
from django.utils import timezone

from polku.referrals.models import DisclosureItem, ReferralService, ServiceType
from polku.referrals.services.referrals import ConsentIn, create_referral
from tests.factories import OrganisationFactory, add_to_care_team, make_client, make_user


def at(*args) -> datetime:
    """An aware datetime in Finnish time."""
    return timezone.make_aware(datetime(*args))


def consent(*items: str, given_at: datetime | None = None, language: str = "ar") -> ConsentIn:
    return ConsentIn(items=frozenset(items or (DisclosureItem.IDENTITY, DisclosureItem.REASON)),
                     given_at=given_at or timezone.now(), language=language)


@pytest.fixture
def client_record(organisation, team_lead, nurse, counsellor):
    record = make_client(organisation=organisation, created_by=team_lead, given_names_latin="Amal",
                         family_name_latin="Testinen", phone="040 123 4567", email="amal@example.invalid",
                         identity_code="010180-900X", identity_code_is_temporary=True, interpreter_needed=True,
                         interpreter_language="ar", interpreter_dialect="Iraqi")
    add_to_care_team(client=record, worker=nurse, assigned_by=team_lead, role="nurse")
    add_to_care_team(client=record, worker=counsellor, assigned_by=team_lead, role="social_counsellor")
    return record


@pytest.fixture
def clinic(areas):
    """The organisation running the psychiatric clinic (works in Polku's inbox)."""
    return OrganisationFactory(name="Psykiatria (testi)")


@pytest.fixture
def clinic_worker(clinic):
    return make_user(role="professional", profession="nurse", organisation=clinic, username="clinic_nurse")


@pytest.fixture
def clinic_doctor(clinic):
    return make_user(role="professional", profession="doctor", organisation=clinic, username="clinic_doctor")


@pytest.fixture
def stranger(areas):
    """A client worker of a third organisation: no care relationship, not the receiving service."""
    return make_user(role="professional", profession="nurse", organisation=OrganisationFactory(name="Muu (testi)"),
                     username="stranger")


@pytest.fixture
def polku_service(clinic):
    return ReferralService.objects.create(name_fi="Psykiatrian poliklinikka (testi)",
                                          name_en="Psychiatric outpatient clinic (test)",
                                          service_type=ServiceType.PSYCHIATRIC_OUTPATIENT, organisation=clinic,
                                          uses_polku=True)


@pytest.fixture
def manual_service(areas):
    """A health centre that does not use Polku: the care team records its answers by hand."""
    return ReferralService.objects.create(name_fi="Terveysaseman lääkäri (testi)",
                                          service_type=ServiceType.HEALTH_CENTRE_DOCTOR,
                                          organisation=OrganisationFactory(name="Terveysasema (testi)"),
                                          uses_polku=False)


@pytest.fixture
def own_team_service(organisation):
    return ReferralService.objects.create(name_fi="Oma tiimi (testi)", service_type=ServiceType.NGO_ACTIVITY,
                                          organisation=organisation, is_internal_team=True)


@pytest.fixture
def sent_referral(nurse, client_record, polku_service):
    return create_referral(actor=nurse, client=client_record, target_service=polku_service,
                           reason="Nightmares and low mood for months", consent=consent(), send=True)


@pytest.fixture
def manual_referral(nurse, client_record, manual_service):
    return create_referral(actor=nurse, client=client_record, target_service=manual_service,
                           reason="Sleep and pain", consent=consent(), send=True)
