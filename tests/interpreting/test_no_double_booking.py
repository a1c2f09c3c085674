"""No double booking, ever: the service refuses overlaps (with travel buffers), the database refuses what
gets past the service, and 1 000 concurrent conflicting attempts leave no interpreter booked twice."""

from __future__ import annotations

import random
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from django.db import IntegrityError, OperationalError, connection, transaction

from polku.core.errors import DomainError
from polku.interpreting.models import OCCUPYING_STATUSES, Booking, BookingStatus
from polku.interpreting.services.dispatch import assign_interpreter
from tests.interpreting.conftest import at, make_interpreter
from tests.interpreting.test_bookings import book

RAW_ATTEMPTS = 200
ATTEMPTS = 1000


def overlapping_pairs() -> int:
    """Independent check: pairs of occupying bookings of one interpreter whose blocked ranges overlap."""
    rows = list(Booking.objects.filter(status__in=OCCUPYING_STATUSES, interpreter__isnull=False)
                .values_list("pk", "interpreter_id", "blocked_from", "blocked_until"))
    return sum(1 for a in rows for b in rows
               if a[0] < b[0] and a[1] == b[1] and a[2] < b[3] and b[2] < a[3])


@pytest.mark.django_db
@pytest.mark.usefixtures("frozen_clock")
class TestTheServiceRefusesOverlaps:
    def test_an_overlapping_assignment_is_refused_and_nothing_changes(self, nurse, client_record, centre, dispatcher,
                                                                      amira):
        first = book(nurse, client_record, centre)
        second = book(nurse, client_record, centre, starts_at=at(2026, 3, 12, 10, 30), ends_at=at(2026, 3, 12, 11, 30))
        assign_interpreter(actor=dispatcher, booking=first, interpreter=amira)

        with pytest.raises(DomainError) as error:
            assign_interpreter(actor=dispatcher, booking=second, interpreter=amira)

        assert error.value.code == "interpreter_double_booked" and error.value.field == "interpreter"
        assert Booking.objects.get(pk=second.pk).status == BookingStatus.REQUESTED
        assert Booking.objects.get(pk=second.pk).interpreter is None

    def test_the_travel_buffer_of_an_on_site_booking_blocks_an_adjacent_one(self, nurse, client_record, centre,
                                                                            dispatcher, amira):
        first = book(nurse, client_record, centre)  # on site 10–11, blocked 9:45–11:15
        adjacent = book(nurse, client_record, centre, starts_at=at(2026, 3, 12, 11, 10),
                        ends_at=at(2026, 3, 12, 12, 0))
        later = book(nurse, client_record, centre, starts_at=at(2026, 3, 12, 11, 30), ends_at=at(2026, 3, 12, 12, 0))
        assign_interpreter(actor=dispatcher, booking=first, interpreter=amira)

        with pytest.raises(DomainError):
            assign_interpreter(actor=dispatcher, booking=adjacent, interpreter=amira)
        assert assign_interpreter(actor=dispatcher, booking=later, interpreter=amira).status == "assigned"

    def test_back_to_back_phone_bookings_need_no_buffer(self, nurse, client_record, centre, dispatcher, amira):
        first = book(nurse, client_record, centre, mode="phone", address="")
        second = book(nurse, client_record, centre, mode="phone", address="", starts_at=at(2026, 3, 12, 11, 0),
                      ends_at=at(2026, 3, 12, 12, 0))

        assign_interpreter(actor=dispatcher, booking=first, interpreter=amira)
        assert assign_interpreter(actor=dispatcher, booking=second, interpreter=amira).status == "assigned"


@pytest.mark.django_db
@pytest.mark.usefixtures("frozen_clock")
@pytest.mark.parametrize("status", OCCUPYING_STATUSES)
def test_the_database_itself_refuses_an_overlap_written_around_the_service(status, nurse, client_record, centre,
                                                                          dispatcher, amira):
    first = book(nurse, client_record, centre)
    second = book(nurse, client_record, centre, starts_at=at(2026, 3, 12, 10, 30), ends_at=at(2026, 3, 12, 11, 30))
    assign_interpreter(actor=dispatcher, booking=first, interpreter=amira)
    Booking.objects.filter(pk=first.pk).update(status=status)

    with pytest.raises(IntegrityError), transaction.atomic():
        Booking.objects.filter(pk=second.pk).update(
            interpreter=amira, status=BookingStatus.ASSIGNED, blocked_from=second.starts_at,
            blocked_until=second.ends_at)

    assert overlapping_pairs() == 0


@pytest.mark.django_db
@pytest.mark.usefixtures("frozen_clock")
def test_cancelled_and_declined_bookings_do_not_hold_the_interpreters_time(nurse, client_record, centre, amira):
    first = book(nurse, client_record, centre)
    second = book(nurse, client_record, centre)
    Booking.objects.filter(pk=first.pk).update(interpreter=amira, status=BookingStatus.CANCELLED,
                                               blocked_from=first.starts_at, blocked_until=first.ends_at)

    Booking.objects.filter(pk=second.pk).update(interpreter=amira, status=BookingStatus.ASSIGNED,
                                                blocked_from=second.starts_at, blocked_until=second.ends_at)

    assert Booking.objects.filter(interpreter=amira).count() == 2


def _race(attempt, tasks: list) -> dict[str, int]:
    outcomes = {"assigned": 0, "refused": 0, "gave_up": 0, "database_busy": 0}
    codes: dict[str, int] = {}

    def run(task):
        # An OperationalError wrote nothing and is retried, as the user would: the in-memory SQLite test database
        # is shared between threads in shared-cache mode, which answers a concurrent writer "database table is
        # locked" at once instead of waiting; and PostgreSQL may break a deadlock between two raw writers that wait
        # on each other's exclusion-constraint check. Through the service, PostgreSQL waits on the row lock.
        try:
            for tries in range(1, 2001):
                try:
                    attempt(*task)
                    return "assigned"
                except (DomainError, IntegrityError) as error:
                    codes[getattr(error, "code", "integrity")] = codes.get(getattr(error, "code", "integrity"), 0) + 1
                    return "refused"
                except OperationalError:
                    outcomes["database_busy"] += 1
                    time.sleep(0.001 * min(tries, 20))
            return "gave_up"
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=8) as pool:
        for result in list(pool.map(run, tasks)):
            outcomes[result] += 1
    print("refusals by code:", codes)
    return outcomes


@pytest.fixture
def race(nurse, client_record, centre, dispatcher):
    """1 000 open bookings that pairwise overlap (10:00 + k min for 60 min, k < 50) and three interpreters."""
    interpreters = [make_interpreter(name=f"Race Tulkki {n}", centre=centre) for n in range(3)]
    rng = random.Random(20260310)
    print(f"seed 20260310, {ATTEMPTS} attempts")
    start = at(2026, 3, 12, 10, 0)
    Booking.objects.bulk_create(
        Booking(client=client_record, organisation=client_record.organisation, centre=centre,
                area=client_record.municipality.area, requested_by=nurse, language="ar", mode="phone",
                starts_at=start + timedelta(minutes=(k := rng.randrange(50))),
                ends_at=start + timedelta(minutes=k + 60), meeting_minutes=60)
        for _ in range(ATTEMPTS))
    bookings = list(Booking.objects.order_by("pk"))
    return [(bookings[i], interpreters[i % 3]) for i in range(ATTEMPTS)], dispatcher


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("frozen_clock")
def test_a_thousand_concurrent_conflicting_assignments_through_the_service_book_nobody_twice(race):
    tasks, dispatcher = race

    outcomes = _race(lambda booking, interpreter: assign_interpreter(actor=dispatcher, booking=booking,
                                                                      interpreter=interpreter), tasks)

    print(connection.vendor, outcomes)
    assert outcomes["assigned"] + outcomes["refused"] == ATTEMPTS
    assert outcomes["assigned"] == 3  # exactly one per interpreter: all the bookings overlap
    assert overlapping_pairs() == 0
    if connection.vendor == "postgresql":
        assert outcomes["database_busy"] == 0  # the interpreter's row lock serialises; no deadlock, no retry


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("frozen_clock")
def test_a_thousand_concurrent_raw_writes_bypassing_the_service_are_stopped_by_the_database(race):
    tasks, _dispatcher = race
    # 200 of the 1 000: raw writers deadlock on each other's exclusion check on PostgreSQL, and every deadlock
    # costs the server's deadlock_timeout (1 s) before one side is retried; the service-level test above runs
    # all 1 000. Two hundred still race three interpreters and show the database alone refuses the overlaps.
    tasks = tasks[:RAW_ATTEMPTS]

    def write(booking, interpreter):
        with transaction.atomic():
            updated = Booking.objects.filter(pk=booking.pk).update(
                interpreter=interpreter, status=BookingStatus.ASSIGNED, blocked_from=booking.starts_at,
                blocked_until=booking.ends_at)
            assert updated == 1

    outcomes = _race(write, tasks)

    print(connection.vendor, outcomes)
    assert outcomes["assigned"] + outcomes["refused"] == RAW_ATTEMPTS
    assert outcomes["assigned"] == 3
    assert overlapping_pairs() == 0
