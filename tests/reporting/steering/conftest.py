"""A simulated caseload (plus interpreter bookings and association purchases, which the simulator does not make)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from polku.casework.models import Client
from polku.core.models import Organisation, OrganisationType
from polku.demo.simulator import simulate_caseload
from polku.interpreting.models import (
    Booking,
    BookingStatus,
    DeliveredHours,
    Interpreter,
    PurchaseAgreement,
    SupportOrder,
    SupportWorker,
)
from tests.factories import make_user

HELSINKI = ZoneInfo("Europe/Helsinki")
SEED = 8808
UNTIL = date(2026, 11, 1)
PERIOD = (date(2026, 1, 1), date(2026, 10, 31))


def simulate(clients: int = 60) -> Organisation:
    """Simulate the caseload and return the wellbeing services county above the simulated Turku unit."""
    print(f"simulated caseload: seed {SEED}, {clients} clients")  # random data prints its seed
    simulate_caseload(clients=clients, seed=SEED, until=UNTIL)
    unit = Organisation.objects.filter(clients__isnull=False, parent__isnull=False).distinct().order_by("pk").first()
    return unit.parent


def add_bookings_and_purchases(county: Organisation) -> None:
    """Bookings with costs in several outcomes and deliveries of hours from an association, inside the period."""
    clients = list(Client.objects.filter(organisation__parent=county).order_by("pk")[:12])
    unit = clients[0].organisation
    dispatcher = make_user(role="interpreter_dispatcher", organisation=county, username="steering-dispatcher")
    centre = Organisation.objects.create(name="Steering test centre", type=OrganisationType.INTERPRETER_CENTRE)
    interpreter = Interpreter.objects.create(name="Test Interpreter", gender="female", centre=centre)
    plan = [(BookingStatus.HELD, Decimal("84.50"))] * 7 + [(BookingStatus.CLIENT_NO_SHOW, Decimal("60.00"))] * 3 \
        + [(BookingStatus.CANCELLED, None)] * 6 + [(BookingStatus.INTERPRETER_NO_SHOW, Decimal("0.00"))] * 2
    for index, (status, cost) in enumerate(plan):
        starts = datetime(2026, 3, 2, 9, tzinfo=HELSINKI) + timedelta(days=index)
        occupying = status != BookingStatus.CANCELLED
        Booking.objects.create(
            client=clients[index % len(clients)], organisation=unit, centre=centre, requested_by=dispatcher,
            language="ar", mode="phone", starts_at=starts, ends_at=starts + timedelta(hours=1), meeting_minutes=60,
            interpreter=interpreter if occupying else None, blocked_from=starts if occupying else None,
            blocked_until=starts + timedelta(hours=1) if occupying else None, status=status, cost=cost)
    # One booking outside the period must not count.
    outside = datetime(2025, 12, 30, 9, tzinfo=HELSINKI)
    Booking.objects.create(client=clients[0], organisation=unit, centre=centre, requested_by=dispatcher,
                           language="ar", mode="phone", starts_at=outside, ends_at=outside + timedelta(hours=1),
                           meeting_minutes=60, status=BookingStatus.REQUESTED, cost=Decimal("999"))
    association = Organisation.objects.create(name="Steering test association", type=OrganisationType.NGO)
    agreement = PurchaseAgreement.objects.create(association=association, buyer=unit, reference="ST-1",
                                                 valid_from=date(2025, 1, 1), hourly_fee=Decimal("45.00"))
    kinds = [("native_counsellor", 6, Decimal("1.5")), ("expert_by_experience", 5, Decimal("2.0"))]
    for kind, deliveries, hours in kinds:
        worker = SupportWorker.objects.create(association=association, name=f"Worker {kind}", kind=kind)
        for index in range(deliveries):
            day = date(2026, 4, 1) + timedelta(days=index)
            order = SupportOrder.objects.create(agreement=agreement, worker=worker, ordered_by=dispatcher, date=day,
                                                hours=hours)
            DeliveredHours.objects.create(order=order, date=day, hours=hours, hourly_fee=Decimal("45.00"),
                                          recorded_by=dispatcher)


@pytest.fixture
def caseload(areas):
    county = simulate()
    add_bookings_and_purchases(county)
    return county
