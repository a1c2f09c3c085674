"""The greedy first-free baseline: requests in time order, each to the first interpreter who is still free.

This is what a busy dispatcher does by hand, and the benchmark's point of comparison for the solver.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Sequence

from polku.interpreting.matching import (
    Candidate,
    Outcome,
    Request,
    blocked_interval,
    compatible_pairs,
    overlaps,
    unassigned_reason,
)


def assign_greedy(requests: Sequence[Request], candidates: Sequence[Candidate]) -> Outcome:
    """First free compatible interpreter (in list order) for each request, earliest request first."""
    started = time.perf_counter()
    pairs = compatible_pairs(requests, candidates)
    taken: dict[int, list[tuple[int, int]]] = defaultdict(list)
    assignment: dict[int, int] = {}
    unassigned: dict[int, str] = {}
    for request in sorted(requests, key=lambda r: (r.start, r.id)):
        for candidate in pairs[request.id]:
            block = blocked_interval(request, candidate)
            if not any(overlaps(block, other) for other in taken[candidate.id]):
                taken[candidate.id].append(block)
                assignment[request.id] = candidate.id
                break
        else:
            unassigned[request.id] = unassigned_reason(request, candidates)
    return Outcome(method="greedy", assignment=assignment, unassigned=unassigned,
                   seconds=time.perf_counter() - started, status="HEURISTIC")
