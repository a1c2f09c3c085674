"""200 people enrol at once in an event of 50 seats: exactly 50 get a seat and 150 wait (PostgreSQL)."""

from __future__ import annotations

import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.db import connection, connections
from django.utils import timezone

from polku.core.models import User
from polku.core.roles import Role, group_name
from polku.trainings.models import Enrolment, EnrolmentStatus, InvitationIssue
from polku.trainings.services import enrol
from tests.trainings.conftest import event_data

PEOPLE = 200
SEATS = 50
# PostgreSQL's default max_connections is 100 and other test runs share the server: the 200 threads all
# start together, but at most this many hold a connection at the same moment.
MAX_OPEN_CONNECTIONS = 40


@pytest.mark.django_db(transaction=True)
def test_two_hundred_parallel_enrolments_to_fifty_seats_give_exactly_fifty_seats(coordinator, organisation):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serialises all writers and has no row locks to test")
    from polku.trainings.services import create_event

    start = timezone.now() + timedelta(days=3)
    event = create_event(actor=coordinator, data=event_data(capacity=SEATS, starts_at=start,
                                                            ends_at=start + timedelta(hours=2), hours=Decimal("2")))
    group = Group.objects.get(name=group_name(Role.PROFESSIONAL))
    users = User.objects.bulk_create([User(username=f"rush{n:03d}", role=Role.PROFESSIONAL, profession="nurse",
                                           organisation=organisation) for n in range(PEOPLE)])
    group.user_set.add(*users)

    barrier = threading.Barrier(PEOPLE)
    gate = threading.BoundedSemaphore(MAX_OPEN_CONNECTIONS)
    results: dict[int, str] = {}
    errors: list[BaseException] = []

    def attempt(user_id: int) -> None:
        try:
            barrier.wait()
            with gate:
                try:
                    user = User.objects.get(pk=user_id)  # this thread's own connection
                    results[user_id] = enrol(actor=user, event=event).status
                finally:
                    connections.close_all()
        except BaseException as error:  # collected and reported by the main thread
            errors.append(error)

    threads = [threading.Thread(target=attempt, args=(user.pk,)) for user in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)

    assert not errors, errors[:3]
    assert len(results) == PEOPLE
    counted = {status: list(results.values()).count(status) for status in ("enrolled", "waiting")}
    assert counted == {"enrolled": SEATS, "waiting": PEOPLE - SEATS}
    in_db = Enrolment.objects.filter(event=event)
    assert in_db.filter(status=EnrolmentStatus.ENROLLED).count() == SEATS
    assert in_db.filter(status=EnrolmentStatus.WAITING).count() == PEOPLE - SEATS
    assert InvitationIssue.objects.filter(enrolment__event=event).count() == SEATS  # calendar only for seats
