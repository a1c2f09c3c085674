"""Assignment with OR-Tools CP-SAT: hard constraints as the variable domain and clique constraints, soft
wishes (continuity, named interpreter, qualification, cost, travel) as the objective.

Model: one boolean per compatible (request, interpreter) pair — `matching.refusal` has already removed
every pair that breaks a hard rule (language/dialect, mode, area, gender, refusals, availability, the
interpreter's existing bookings). Each request takes at most one interpreter. For each interpreter the
blocked intervals (with travel buffer) form an interval graph; at every interval's start the intervals
covering that instant are a clique and get AddAtMostOne — the strong form of "no overlap". The greedy
start is given as a hint: each interpreter first takes the most requests of their own previous clients
that fit (interval scheduling, earliest end first), then the rest go first-free. The solver therefore starts
from a feasible answer with good continuity, and any time limit returns something at least as good.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Sequence

from ortools.sat.python import cp_model

from polku.interpreting.matching import (
    Candidate,
    Outcome,
    Request,
    blocked_interval,
    compatible_pairs,
    overlaps,
    score,
    unassigned_reason,
)

DEFAULT_TIME_LIMIT_SECONDS = 8.0


def assign_cp_sat(requests: Sequence[Request], candidates: Sequence[Candidate], *,
                  time_limit_seconds: float = DEFAULT_TIME_LIMIT_SECONDS, workers: int = 2,
                  seed: int = 0) -> Outcome:
    """Best assignment found within the time limit; OPTIMAL or FEASIBLE in `status`."""
    started = time.perf_counter()
    pairs = compatible_pairs(requests, candidates)
    model = cp_model.CpModel()
    variables: dict[tuple[int, int], cp_model.IntVar] = {}
    objective = []
    per_interpreter: dict[int, list[tuple[int, int, cp_model.IntVar]]] = defaultdict(list)
    for request in requests:
        options = []
        for candidate in pairs[request.id]:
            var = model.NewBoolVar(f"x_{request.id}_{candidate.id}")
            variables[(request.id, candidate.id)] = var
            options.append(var)
            objective.append(score(request, candidate) * var)
            start, end = blocked_interval(request, candidate)
            per_interpreter[candidate.id].append((start, end, var))
        if len(options) > 1:
            model.AddAtMostOne(options)
    for intervals in per_interpreter.values():
        _add_no_overlap_cliques(model, intervals)
    model.Maximize(sum(objective))
    hint = _continuity_first(requests, pairs)
    for (request_id, candidate_id), var in variables.items():
        model.AddHint(var, hint.get(request_id) == candidate_id)

    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(0.1, time_limit_seconds - (time.perf_counter() - started))
    solver.parameters.num_workers = workers
    solver.parameters.random_seed = seed
    status = solver.Solve(model)
    assignment: dict[int, int] = {}
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        assignment = {request_id: candidate_id for (request_id, candidate_id), var in variables.items()
                      if solver.BooleanValue(var)}
    unassigned = {request.id: unassigned_reason(request, candidates) for request in requests
                  if request.id not in assignment}
    objective_value = int(solver.ObjectiveValue()) if status in (cp_model.OPTIMAL, cp_model.FEASIBLE) else 0
    return Outcome(method="cp-sat", assignment=assignment, unassigned=unassigned,
                   seconds=time.perf_counter() - started, status=solver.StatusName(status),
                   objective=objective_value)


def _add_no_overlap_cliques(model: cp_model.CpModel, intervals: list[tuple[int, int, cp_model.IntVar]]) -> None:
    """At each interval's start, the intervals covering that instant may hold at most one booking."""
    intervals.sort(key=lambda item: (item[0], item[1]))
    active: list[tuple[int, int, cp_model.IntVar]] = []
    for start, end, var in intervals:
        active = [item for item in active if item[1] > start]
        active.append((start, end, var))
        if len(active) > 1:
            model.AddAtMostOne([item[2] for item in active])


def _continuity_first(requests: Sequence[Request], pairs: dict[int, list[Candidate]]) -> dict[int, int]:
    """A feasible start: the previous (or named) interpreter's own clients first, then first-free."""
    taken: dict[int, list[tuple[int, int]]] = defaultdict(list)
    assignment: dict[int, int] = {}
    wished: dict[int, list[tuple[tuple[int, int], Request]]] = defaultdict(list)
    for request in requests:
        for candidate in pairs[request.id]:
            if candidate.id in (request.previous, request.named):
                wished[candidate.id].append((blocked_interval(request, candidate), request))
    for candidate_id, items in wished.items():
        for block, request in sorted(items, key=lambda item: item[0][1]):
            if request.id not in assignment and not any(overlaps(block, other) for other in taken[candidate_id]):
                taken[candidate_id].append(block)
                assignment[request.id] = candidate_id
    for request in sorted(requests, key=lambda r: (r.start, r.id)):
        if request.id in assignment:
            continue
        for candidate in pairs[request.id]:
            block = blocked_interval(request, candidate)
            if not any(overlaps(block, other) for other in taken[candidate.id]):
                taken[candidate.id].append(block)
                assignment[request.id] = candidate.id
                break
    return assignment
