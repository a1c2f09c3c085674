"""The assignment engine: hard constraints hold for both methods, the solver keeps continuity, and the
dispatcher's proposals go through the same no-double-booking service."""

from __future__ import annotations

import pytest
from django.utils import translation

from polku.interpreting.greedy import assign_greedy
from polku.interpreting.matching import Candidate, Request, conflicts, refusal, unassigned_reason
from polku.interpreting.models import AssignmentProposal, Booking, BookingStatus
from polku.interpreting.services.dispatch import accept_proposals, assign_interpreter, propose_assignments
from polku.interpreting.solver import assign_cp_sat
from tests.interpreting.conftest import at, make_interpreter
from tests.interpreting.test_bookings import book

DAY = 24 * 60
WEEK = tuple((d * DAY + 8 * 60, d * DAY + 17 * 60) for d in range(5))


def person(pid, *, gender="female", languages=None, modes=("on_site", "phone", "video"), areas=("VS",), rate=60.0,
           windows=WEEK):
    return Candidate(id=pid, gender=gender, languages=languages or {("ar", ""): 2}, modes=frozenset(modes),
                     areas=frozenset(areas), home_area=areas[0] if areas else None, windows=windows,
                     rate_per_hour=rate)


def ask(rid, start_hour=10, minutes=60, **fields):
    start = fields.pop("day", 0) * DAY + start_hour * 60
    defaults = {"client_id": rid, "language": "ar", "mode": "on_site", "area": "VS"}
    defaults.update(fields)
    return Request(id=rid, start=start, end=start + minutes, **defaults)


@pytest.mark.parametrize("method", [assign_greedy, assign_cp_sat])
def test_both_methods_respect_every_hard_constraint(method):
    candidates = [
        person(1, gender="male"),
        person(2, languages={("ar", "iraqi"): 3}),
        person(3, modes=("phone",)),
        person(4, areas=("HEL",)),
        person(5, windows=((DAY + 8 * 60, DAY + 17 * 60),)),  # Tuesdays only
    ]
    requests = [
        ask(1, gender="female"),                      # 2, 3 (no: phone only), 4 (no: area) -> 2 or 5? 5 is Tuesday
        ask(2, dialect="iraqi", start_hour=13),       # only 2
        ask(3, mode="phone", start_hour=15, area=None),
        ask(4, refused=frozenset({1, 2, 3, 4, 5})),   # everybody refused
        ask(5, day=1, start_hour=9, declined=frozenset({5}), gender="female"),
    ]

    outcome = method(requests, candidates)

    by_id = {c.id: c for c in candidates}
    for request in requests:
        if request.id in outcome.assignment:
            assert refusal(request, by_id[outcome.assignment[request.id]]) is None
    assert conflicts(requests, candidates, outcome.assignment) == 0
    assert outcome.assignment[2] == 2
    assert outcome.unassigned[4] == "client_refuses_all"


def test_the_solver_keeps_the_clients_previous_interpreter_where_greedy_takes_the_first_free():
    candidates = [person(1), person(2), person(3)]
    requests = [ask(10 + k, start_hour=8 + k, client_id=k, previous=3, mode="phone", area=None) for k in range(3)]

    greedy = assign_greedy(requests, candidates)
    solver = assign_cp_sat(requests, candidates, time_limit_seconds=5)

    assert set(greedy.assignment.values()) == {1}
    assert set(solver.assignment.values()) == {3}
    assert solver.status == "OPTIMAL"


def test_the_solver_never_leaves_a_request_open_for_the_sake_of_continuity():
    candidates = [person(1), person(2)]
    # both at the same time; the client of both had interpreter 1 before
    requests = [ask(1, previous=1), ask(2, previous=1)]

    outcome = assign_cp_sat(requests, candidates, time_limit_seconds=5)

    assert sorted(outcome.assignment.values()) == [1, 2]


def test_the_travel_buffer_separates_on_site_bookings_for_both_methods():
    candidates = [person(1)]
    requests = [ask(1, start_hour=10, minutes=60), ask(2, start_hour=11, minutes=60)]  # 15 min buffers overlap

    for method in (assign_greedy, assign_cp_sat):
        outcome = method(requests, candidates)
        assert len(outcome.assignment) == 1
        assert conflicts(requests, candidates, outcome.assignment) == 0


def test_an_unassignable_request_gets_the_reason_that_empties_the_field():
    candidates = [person(1, areas=("HEL",))]
    assert unassigned_reason(ask(1), candidates) == "no_interpreter_in_area"
    assert unassigned_reason(ask(1, language="ti"), candidates) == "no_interpreter_for_language"


def test_the_benchmark_world_gives_zero_conflicts_and_a_continuity_gain_on_a_small_week():
    from bench.bench_interpreting import measures, simulate

    world = simulate(seed=7, requests=300, interpreters=60, clients=120)
    greedy = measures(world, assign_greedy(world.requests, world.candidates))
    solver = measures(world, assign_cp_sat(world.requests, world.candidates, time_limit_seconds=5))

    assert greedy["conflicts"] == 0 and solver["conflicts"] == 0
    assert solver["refused_broken"] == 0 and solver["gender"] == 1.0
    assert solver["continuity"] >= greedy["continuity"] + 0.1  # the full-size week is in bench_interpreting
    assert solver["assigned"] >= greedy["assigned"] - 0.01


@pytest.mark.django_db
@pytest.mark.usefixtures("frozen_clock")
def test_the_dispatcher_reviews_proposals_and_only_accepted_ones_are_assigned(nurse, client_record, centre, dispatcher,
                                                                            amira, bashir):
    earlier = book(nurse, client_record, centre, starts_at=at(2026, 3, 11, 9, 0), ends_at=at(2026, 3, 11, 10, 0))
    Booking.objects.filter(pk=earlier.pk).update(interpreter=bashir, status=BookingStatus.CONFIRMED,
                                                 blocked_from=earlier.starts_at, blocked_until=earlier.ends_at)
    first = book(nurse, client_record, centre)
    second = book(nurse, client_record, centre, starts_at=at(2026, 3, 13, 10, 0), ends_at=at(2026, 3, 13, 11, 0))

    batch, outcome = propose_assignments(actor=dispatcher, first_day=at(2026, 3, 12, 0, 0).date(),
                                         last_day=at(2026, 3, 13, 0, 0).date(), time_limit_seconds=3)

    proposals = AssignmentProposal.objects.filter(batch=batch)
    assert {p.booking_id: p.interpreter_id for p in proposals} == {first.pk: bashir.pk, second.pk: bashir.pk}
    assert all("previous_interpreter" in p.reasons for p in proposals)
    assert Booking.objects.get(pk=first.pk).status == BookingStatus.REQUESTED  # nothing assigned before review

    assigned, failed = accept_proposals(actor=dispatcher, batch=batch, booking_ids=[first.pk])

    assert [b.pk for b in assigned] == [first.pk] and failed == {}
    assert Booking.objects.get(pk=first.pk).interpreter == bashir
    assert Booking.objects.get(pk=second.pk).status == BookingStatus.REQUESTED


@pytest.mark.django_db
@pytest.mark.usefixtures("frozen_clock")
def test_a_proposal_that_no_longer_fits_is_reported_not_forced(nurse, client_record, centre, dispatcher, amira):
    first = book(nurse, client_record, centre)
    batch, _outcome = propose_assignments(actor=dispatcher, first_day=at(2026, 3, 12, 0, 0).date(),
                                          last_day=at(2026, 3, 12, 0, 0).date(), method="greedy")
    rival = book(nurse, client_record, centre)
    assign_interpreter(actor=dispatcher, booking=rival, interpreter=amira)

    with translation.override("en"):
        assigned, failed = accept_proposals(actor=dispatcher, batch=batch)

    assert assigned == [] and "already booked" in failed[first.pk]
    assert AssignmentProposal.objects.get(batch=batch).accepted is False


@pytest.mark.django_db
@pytest.mark.usefixtures("frozen_clock")
def test_an_interpreter_from_another_area_is_not_proposed_for_on_site_work(nurse, client_record, centre, dispatcher):
    make_interpreter(name="Far Away", centre=centre, areas=("LA",))
    book(nurse, client_record, centre, mode="phone", address="")
    on_site = Booking.objects.get()
    Booking.objects.filter(pk=on_site.pk).update(mode="on_site", address="Yliopistonkatu 1")

    _batch, outcome = propose_assignments(actor=dispatcher, first_day=at(2026, 3, 12, 0, 0).date(),
                                          last_day=at(2026, 3, 12, 0, 0).date(), time_limit_seconds=2)

    assert outcome.assignment == {} and outcome.unassigned[on_site.pk] == "no_interpreter_in_area"
