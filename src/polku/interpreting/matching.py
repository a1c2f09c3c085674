"""The assignment problem as plain data: which interpreter may take which request, and how good a match is.

Shared by the CP-SAT solver, the greedy baseline, the services' checks and the benchmark; imports nothing
from Django, so the rules are testable alone and the benchmark measures only the algorithms. Times are
integer minutes on one axis (e.g. minutes since the Unix epoch).
"""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

ON_SITE = "on_site"

# Objective weights. Assigning a request at all dominates everything else; continuity with the client's
# previous interpreter and the client's named interpreter come next (THL: the same interpreter through a
# client relationship), then qualification, then cost and travel.
WEIGHT_ASSIGNED = 10_000
WEIGHT_CONTINUITY = 1_000
WEIGHT_NAMED = 800
WEIGHT_MENTAL_HEALTH_TRAINED = 150
WEIGHT_QUALIFICATION_STEP = 40
WEIGHT_TRAVEL = 120  # on site outside the interpreter's home area
COST_EUROS_PER_POINT = 1  # one point per euro of the booking's price


@dataclass(frozen=True)
class Request:
    """One open booking request."""

    id: int
    client_id: int
    language: str
    start: int
    end: int
    mode: str
    dialect: str = ""
    area: str | None = None
    gender: str | None = None  # a required interpreter gender ("female"/"male"), or None
    named: int | None = None  # the interpreter the client named (a wish, not a requirement)
    previous: int | None = None  # the client's previous interpreter (continuity)
    refused: frozenset[int] = frozenset()  # the client refuses these (hard)
    declined: frozenset[int] = frozenset()  # these already declined this request (hard)
    mental_health: bool = False


@dataclass(frozen=True)
class Candidate:
    """One interpreter as the solver sees them."""

    id: int
    gender: str
    languages: dict[tuple[str, str], int]  # (language, dialect or "") -> qualification level 1..4
    modes: frozenset[str]
    areas: frozenset[str] = frozenset()  # areas served on site
    home_area: str | None = None
    windows: tuple[tuple[int, int], ...] = ()  # sorted, disjoint free windows (availability minus absences)
    busy: tuple[tuple[int, int], ...] = ()  # sorted blocked intervals of bookings already held
    buffer: int = 15  # travel buffer per side for on-site work
    rate_per_hour: float = 60.0
    mental_health_trained: bool = False
    _window_starts: tuple[int, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_window_starts", tuple(start for start, _ in self.windows))

    def qualification(self, language: str, dialect: str) -> int | None:
        """The qualification for the language (and dialect, when one is asked for); None if not spoken."""
        if dialect:
            return self.languages.get((language, dialect.casefold()))
        levels = [level for (lang, _d), level in self.languages.items() if lang == language]
        return max(levels) if levels else None

    def is_free(self, start: int, end: int) -> bool:
        """Inside one availability window."""
        index = bisect_right(self._window_starts, start) - 1
        return index >= 0 and self.windows[index][1] >= end


def blocked_interval(request: Request, candidate: Candidate) -> tuple[int, int]:
    """The interpreter time the booking takes: on site with a travel buffer either side."""
    buffer = candidate.buffer if request.mode == ON_SITE else 0
    return request.start - buffer, request.end + buffer


def overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def refusal(request: Request, candidate: Candidate) -> str | None:
    """Why the candidate cannot take the request (a hard constraint), or None if they can."""
    if candidate.qualification(request.language, request.dialect) is None:
        return "language"
    if request.mode not in candidate.modes:
        return "mode"
    if request.mode == ON_SITE and request.area is not None and request.area not in candidate.areas:
        return "area"
    if request.gender and candidate.gender != request.gender:
        return "gender"
    if candidate.id in request.refused:
        return "refused_by_client"
    if candidate.id in request.declined:
        return "declined"
    if not candidate.is_free(request.start, request.end):
        return "not_available"
    block = blocked_interval(request, candidate)
    if any(overlaps(block, busy) for busy in candidate.busy):
        return "already_booked"
    return None


def score(request: Request, candidate: Candidate) -> int:
    """The objective's value of giving this request to this candidate (both assumed compatible)."""
    value = WEIGHT_ASSIGNED
    if candidate.id == request.previous:
        value += WEIGHT_CONTINUITY
    if candidate.id == request.named:
        value += WEIGHT_NAMED
    level = candidate.qualification(request.language, request.dialect) or 1
    value += WEIGHT_QUALIFICATION_STEP * (level - 1)
    if request.mental_health and candidate.mental_health_trained:
        value += WEIGHT_MENTAL_HEALTH_TRAINED
    if request.mode == ON_SITE and request.area is not None and candidate.home_area != request.area:
        value -= WEIGHT_TRAVEL
    value -= round(candidate.rate_per_hour * (request.end - request.start) / 60 / COST_EUROS_PER_POINT)
    return value


def reasons(request: Request, candidate: Candidate) -> list[str]:
    """Why this match is good, for the dispatcher's review."""
    found = []
    if candidate.id == request.previous:
        found.append("previous_interpreter")
    if candidate.id == request.named:
        found.append("named_by_client")
    if request.mental_health and candidate.mental_health_trained:
        found.append("mental_health_trained")
    if request.mode == ON_SITE and request.area is not None and candidate.home_area == request.area:
        found.append("local")
    return found


def compatible_pairs(requests: Sequence[Request], candidates: Sequence[Candidate]) -> dict[int, list[Candidate]]:
    """request id -> the candidates that pass every hard constraint, in candidate order."""
    by_language: dict[str, list[Candidate]] = defaultdict(list)
    for candidate in candidates:
        for language in {lang for lang, _d in candidate.languages}:
            by_language[language].append(candidate)
    return {request.id: [c for c in by_language.get(request.language, ()) if refusal(request, c) is None]
            for request in requests}


@dataclass
class Outcome:
    """What a method proposed: request id -> interpreter id, and the unassigned requests with the reason."""

    method: str
    assignment: dict[int, int]
    unassigned: dict[int, str]
    seconds: float
    status: str = ""
    objective: int = 0


def conflicts(requests: Iterable[Request], candidates: Iterable[Candidate], assignment: dict[int, int]) -> int:
    """Independent check: pairs of assigned requests whose blocked intervals overlap for one interpreter."""
    by_id = {candidate.id: candidate for candidate in candidates}
    per_interpreter: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for request in requests:
        if request.id in assignment:
            candidate = by_id[assignment[request.id]]
            per_interpreter[candidate.id].append(blocked_interval(request, candidate))
    found = 0
    for intervals in per_interpreter.values():
        intervals.sort()
        for index in range(1, len(intervals)):
            found += sum(1 for earlier in intervals[:index] if overlaps(earlier, intervals[index]))
    return found


REASON_OF_REFUSAL = {"mode": "no_interpreter_for_mode", "area": "no_interpreter_in_area",
                     "gender": "no_interpreter_of_gender", "refused_by_client": "client_refuses_all",
                     "declined": "all_declined", "not_available": "none_available", "already_booked": "all_booked"}
_ORDER = list(REASON_OF_REFUSAL)


def unassigned_reason(request: Request, candidates: Sequence[Candidate]) -> str:
    """The hard constraint that empties the field of interpreters (checked in `refusal`'s order)."""
    speaking = [c for c in candidates if c.qualification(request.language, request.dialect) is not None]
    if not speaking:
        return "no_interpreter_for_language"
    codes = [refusal(request, c) for c in speaking]
    if any(code is None for code in codes):
        return "taken_by_other_requests"
    return REASON_OF_REFUSAL[max(codes, key=_ORDER.index)]
