"""Demo data for interpreting: a centre with interpreters, and a quarter of past bookings with outcomes and
costs for clients whose legal statuses change over time (for the compensation claim). Seeded, so a run
is reproducible; names are clearly fictional.

Past bookings are written as history rows (as an import would), not through the request services, which
rightly refuse times in the past; the no-double-booking constraint still checks every row.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from polku.casework.models import Client, ClientLegalStatus, LegalStatus
from polku.core.models import Area, Municipality, Organisation, OrganisationType, User
from polku.interpreting.costs import billable_minutes, cost_of, tariff_for
from polku.interpreting.models import (
    Availability,
    Booking,
    BookingStatus,
    CentreTerms,
    CompensableCost,
    CompensableCostKind,
    Interpreter,
    InterpreterLanguage,
)

LANGUAGES = ["ar", "ar", "ar", "fa", "prs", "so", "ckb", "kmr", "ru", "uk", "ti", "sq"]
GIVEN = ["Aya", "Omar", "Layla", "Hassan", "Noor", "Yusuf", "Mariam", "Ali", "Fatima", "Karim", "Sara", "Daud"]
FAMILY = ["Demo-Ahmadi", "Demo-Hassan", "Demo-Karimi", "Demo-Nur", "Demo-Rahimi", "Demo-Tesfaye", "Demo-Kovalenko"]
# (status history as (status, days after the period start; negative = before)) per client profile
PROFILES = [
    [(LegalStatus.QUOTA_REFUGEE, -400)],
    [(LegalStatus.ASYLUM_SEEKER, -300), (LegalStatus.ASYLUM_GRANTED, 45)],  # enters the target group mid-period
    [(LegalStatus.SUBSIDIARY_PROTECTION, -200), (LegalStatus.CITIZEN, 60)],  # leaves it on citizenship
    [(LegalStatus.TEMPORARY_PROTECTION, -100)],
    [(LegalStatus.ASYLUM_SEEKER, -50)],
    [],  # no legal status recorded
    [(LegalStatus.FAMILY_MEMBER, -500)],
]


@dataclass(frozen=True)
class DemoResult:
    centre: Organisation
    interpreters: int
    clients: int
    bookings: int
    costs: int


def _working_day(start: date, n: int) -> date:
    """The n-th working day (Mon–Fri) from start, counting start itself as 0 when it is one."""
    day = start
    while day.weekday() >= 5:
        day += timedelta(days=1)
    for _ in range(n):
        day += timedelta(days=1)
        while day.weekday() >= 5:
            day += timedelta(days=1)
    return day


@transaction.atomic
def seed_interpreting_demo(*, organisation: Organisation, created_by: User, period_start: date,
                           seed: int = 20260101, bookings_per_client: int = 6) -> DemoResult:
    """Create the demo centre, interpreters, clients with status histories, and past bookings with outcomes."""
    rng = random.Random(seed)
    area = organisation.home_area or Area.objects.get(code="VS")
    centre, _created = Organisation.objects.get_or_create(
        name="Demo-tulkkikeskus", parent=None,
        defaults={"type": OrganisationType.INTERPRETER_CENTRE, "home_area": area, "name_en": "Demo interpreter centre"})
    CentreTerms.objects.get_or_create(centre=centre, defaults={"hourly_rate": Decimal("62.00"), "minimum_minutes": 60,
                                                               "increment_minutes": 30})
    interpreters = []
    for index, language in enumerate(sorted(set(LANGUAGES))):
        for gender in ("female", "male"):
            interpreter, created = Interpreter.objects.get_or_create(
                name=f"Demo {language.upper()} {gender} {index}", centre=centre,
                defaults={"gender": gender, "home_area": area, "mental_health_trained": rng.random() < 0.5,
                          "hourly_rate": Decimal(rng.choice(["58.00", "62.00", "66.00"]))})
            if created:
                interpreter.areas.set([area])
                InterpreterLanguage.objects.create(interpreter=interpreter, language=language,
                                                   qualification=rng.choice([2, 3, 4]))
                for weekday in range(5):
                    Availability.objects.create(interpreter=interpreter, weekday=weekday, start_time=time(8),
                                                end_time=time(16))
            interpreters.append(interpreter)
    municipality = Municipality.objects.filter(area=area).order_by("code").first()
    clients, made_bookings, made_costs = 0, 0, 0
    slot_of: dict[int, int] = {}
    for number, profile in enumerate(PROFILES * 2):
        language = LANGUAGES[number % len(LANGUAGES)]
        client = Client.objects.create(
            organisation=organisation, created_by=created_by, given_names_latin=GIVEN[number % len(GIVEN)],
            family_name_latin=FAMILY[number % len(FAMILY)], birth_year=1970 + number, preferred_language=language,
            interpreter_needed=True, interpreter_language=language,
            # the second temporary-protection client has no municipality of residence yet
            municipality=None if (profile and profile[0][0] == LegalStatus.TEMPORARY_PROTECTION and number >= 7)
            else municipality)
        clients += 1
        for (status, offset), following in zip(profile, [*profile[1:], None][:len(profile)], strict=True):
            valid_to = period_start + timedelta(days=following[1] - 1) if following else None
            ClientLegalStatus.objects.create(client=client, status=status,
                                             valid_from=period_start + timedelta(days=offset), valid_to=valid_to,
                                             recorded_by=created_by)
        speakers = [i for i in interpreters if i.languages.filter(language=language).exists()]
        for _ in range(bookings_per_client):
            interpreter = rng.choice(speakers)
            # one booking per interpreter per working-day slot, so no interpreter is ever booked twice
            slot = slot_of.get(interpreter.pk, rng.randrange(2))
            slot_of[interpreter.pk] = slot + rng.randrange(1, 4)
            day = _working_day(period_start, (slot // 2) * 4)  # spread over the quarter
            starts = timezone.make_aware(datetime.combine(day, time(8 + 4 * (slot % 2))))
            minutes = rng.choice([60, 60, 90])
            outcome = rng.choices([BookingStatus.HELD, BookingStatus.CLIENT_NO_SHOW, BookingStatus.INTERPRETER_NO_SHOW,
                                   BookingStatus.LATE_CANCELLATION, BookingStatus.CANCELLED], [70, 8, 4, 6, 12])[0]
            actual = rng.choice([45, 60, 75, 95]) if outcome == BookingStatus.HELD else None
            tariff = tariff_for(interpreter)
            billed = billable_minutes(status=outcome, booked_minutes=minutes * 2, actual_minutes=actual, tariff=tariff)
            occupying = outcome not in (BookingStatus.CANCELLED, BookingStatus.LATE_CANCELLATION)
            Booking.objects.create(
                client=client, organisation=organisation, centre=centre, area=area, requested_by=created_by,
                language=language, mode="on_site", starts_at=starts, ends_at=starts + timedelta(minutes=minutes * 2),
                meeting_minutes=minutes, double_time=True, mental_health=True, address="Demokatu 1, 20100 Turku",
                interpreter=interpreter, status=outcome, actual_minutes=actual, billable_minutes=billed,
                cost=cost_of(billed, tariff) if billed else None,
                blocked_from=starts - timedelta(minutes=15) if occupying else None,
                blocked_until=starts + timedelta(minutes=minutes * 2 + 15) if occupying else None)
            made_bookings += 1
        if number % 3 == 0:
            CompensableCost.objects.create(client=client, organisation=organisation,
                                           date=period_start + timedelta(days=10 + number),
                                           kind=CompensableCostKind.SPECIAL_HEALTH_CARE,
                                           amount=Decimal(rng.choice(["180.00", "240.50", "95.20"])),
                                           description="Demo: psychotherapy session (invoice)", recorded_by=created_by)
            made_costs += 1
    return DemoResult(centre=centre, interpreters=len(interpreters), clients=clients, bookings=made_bookings,
                      costs=made_costs)
