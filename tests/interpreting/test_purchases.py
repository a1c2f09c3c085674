"""Hourly purchases from associations: agreements, people, orders within the cap, delivered hours, invoices."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from polku.core.errors import AccessDenied, DomainError
from polku.core.models import OrganisationType
from polku.interpreting.models import OrderStatus, SupportOrder
from polku.interpreting.services.purchases import (
    add_support_worker,
    create_agreement,
    monthly_invoice_summary,
    order_support,
    record_delivered_hours,
)
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def association(areas):
    return OrganisationFactory(name="Monikulttuuriyhdistys Demo", type=OrganisationType.NGO)


@pytest.fixture
def agreement(team_lead, association, organisation):
    return create_agreement(actor=team_lead, association=association, buyer=organisation, reference="OS-2026-1",
                            valid_from=date(2026, 1, 1), valid_to=date(2026, 12, 31), hourly_fee=Decimal("45.00"),
                            max_hours=Decimal("10"))


@pytest.fixture
def counsellor_person(team_lead, association):
    return add_support_worker(actor=team_lead, association=association, name="Dari Neuvoja", kind="native_counsellor",
                              languages=["prs", "fa"])


@pytest.fixture
def expert(team_lead, association):
    return add_support_worker(actor=team_lead, association=association, name="Kokemus Asiantuntija",
                              kind="expert_by_experience", languages=["ar"], hourly_fee=Decimal("30.00"))


def test_orders_delivered_hours_and_the_monthly_invoice_summary_per_association(
        nurse, team_lead, agreement, counsellor_person, expert, association):
    first = order_support(actor=nurse, agreement=agreement, worker=counsellor_person, day=date(2026, 3, 3),
                          hours=Decimal("2"), language="prs", purpose="Guidance at the social office")
    second = order_support(actor=nurse, agreement=agreement, worker=expert, day=date(2026, 3, 20), hours=Decimal("3"))
    record_delivered_hours(actor=nurse, order=first, day=date(2026, 3, 3), hours=Decimal("2.5"))
    record_delivered_hours(actor=nurse, order=second, day=date(2026, 3, 20), hours=Decimal("3"))
    record_delivered_hours(actor=nurse, order=second, day=date(2026, 4, 2), hours=Decimal("1"))

    march = monthly_invoice_summary(viewer=team_lead, buyer=agreement.buyer, month=date(2026, 3, 1))

    assert len(march) == 1 and march[0].association == association
    assert march[0].hours == Decimal("5.5") and march[0].orders == 2
    assert march[0].amount == Decimal("2.5") * Decimal("45.00") + Decimal("3") * Decimal("30.00")
    assert SupportOrder.objects.get(pk=first.pk).status == OrderStatus.DELIVERED


def test_an_order_beyond_the_agreements_hours_is_refused(nurse, agreement, counsellor_person):
    order_support(actor=nurse, agreement=agreement, worker=counsellor_person, day=date(2026, 3, 3), hours=Decimal("8"))

    with pytest.raises(DomainError) as error:
        order_support(actor=nurse, agreement=agreement, worker=counsellor_person, day=date(2026, 3, 4),
                      hours=Decimal("3"))

    assert error.value.code == "agreement_hours_exceeded" and error.value.field == "hours"
    assert SupportOrder.objects.count() == 1


def test_an_order_outside_the_agreement_or_in_a_language_the_person_lacks_is_refused(nurse, agreement,
                                                                                     counsellor_person):
    with pytest.raises(DomainError) as outside:
        order_support(actor=nurse, agreement=agreement, worker=counsellor_person, day=date(2027, 1, 5),
                      hours=Decimal("1"))
    with pytest.raises(DomainError) as language:
        order_support(actor=nurse, agreement=agreement, worker=counsellor_person, day=date(2026, 3, 5),
                      hours=Decimal("1"), language="so")

    assert outside.value.code == "agreement_not_valid" and language.value.code == "language_not_spoken"


def test_an_order_for_a_client_needs_a_care_relationship(outsider, agreement, counsellor_person, client_record):
    with pytest.raises(AccessDenied):
        order_support(actor=outsider, agreement=agreement, worker=counsellor_person, day=date(2026, 3, 5),
                      hours=Decimal("1"), client_id=client_record.pk)


def test_only_a_team_lead_of_the_buyer_sees_the_invoice_summary(nurse, agreement):
    with pytest.raises(AccessDenied):
        monthly_invoice_summary(viewer=nurse, buyer=agreement.buyer, month=date(2026, 3, 1))


@pytest.fixture
def client_record(organisation, team_lead, nurse):
    from tests.factories import add_to_care_team, make_client

    record = make_client(organisation=organisation, created_by=team_lead)
    add_to_care_team(client=record, worker=nurse, assigned_by=team_lead)
    return record
