"""Interpreter assignment: OR-Tools CP-SAT vs the greedy first-free baseline on a simulated week.

2 000 booking requests of one week and 300 interpreters (seeded simulation: languages with dialects and
qualifications, modes, areas, genders, weekly availability, absences, clients with a previous interpreter,
named and refused interpreters, required genders, on-site travel buffers). Both methods see the same
problem; conflicts are counted by an independent overlap check.
"""

from __future__ import annotations

import os
import random
from collections import defaultdict
from dataclasses import dataclass

from bench.table import print_table
from polku.interpreting.greedy import assign_greedy
from polku.interpreting.matching import Candidate, Outcome, Request, conflicts
from polku.interpreting.solver import assign_cp_sat

SEED = int(os.environ.get("POLKU_BENCH_SEED", "20260310"))
REQUESTS = 2000
INTERPRETERS = 300
CLIENTS = 700
TIME_LIMIT = float(os.environ.get("POLKU_BENCH_SOLVER_SECONDS", "8"))
LANGUAGES = {"ar": 24, "so": 10, "fa": 8, "prs": 8, "ckb": 6, "kmr": 4, "ru": 9, "uk": 9, "sq": 4, "bs": 3,
             "et": 3, "ti": 5, "tr": 3, "fr": 2, "vi": 2}
DIALECTS = {"ar": ["iraqi", "syrian", "sudanese"], "ckb": ["sulaimani"], "so": ["maay"]}
AREAS = ["VS", "SA", "PI", "HEL", "VK", "PS"]  # real wellbeing services area codes
DAY = 24 * 60


@dataclass
class World:
    requests: list[Request]
    candidates: list[Candidate]


def simulate(seed: int = SEED, *, requests: int = REQUESTS, interpreters: int = INTERPRETERS,
             clients: int = CLIENTS) -> World:
    """A seeded week: Monday 00:00 is minute 0."""
    rng = random.Random(seed)
    languages, weights = list(LANGUAGES), list(LANGUAGES.values())
    candidates = []
    for cid in range(1, interpreters + 1):
        spoken = sorted({rng.choices(languages, weights)[0] for _ in range(rng.choice([1, 1, 2, 3]))})
        table = {}
        for language in spoken:
            level = rng.choice([1, 2, 2, 3, 4])
            table[(language, "")] = level
            for dialect in DIALECTS.get(language, []):
                if rng.random() < 0.5:
                    table[(language, dialect)] = level
        home = rng.choice(AREAS)
        served = frozenset({home, *rng.sample(AREAS, rng.choice([0, 1, 2]))})
        windows = []
        absent_day = rng.randrange(5) if rng.random() < 0.15 else None
        for day in range(5):
            if day == absent_day or rng.random() < 0.1:
                continue
            start = day * DAY + rng.choice([7, 8, 8, 9]) * 60
            windows.append((start, start + rng.choice([6, 8, 8, 9]) * 60))
        modes = {mode for mode, p in (("on_site", 0.9), ("phone", 0.95), ("video", 0.7)) if rng.random() < p}
        candidates.append(Candidate(
            id=cid, gender=rng.choice(["female", "male"]), languages=table, modes=frozenset(modes or {"phone"}),
            areas=served, home_area=home, windows=tuple(windows), buffer=15,
            rate_per_hour=rng.choice([52.0, 58.0, 60.0, 64.0, 70.0]), mental_health_trained=rng.random() < 0.35))
    by_language = defaultdict(list)
    for candidate in candidates:
        for language, _dialect in candidate.languages:
            by_language[language].append(candidate)
    client_profiles = []
    for client_id in range(1, clients + 1):
        language = rng.choices(languages, weights)[0]
        area = rng.choice(AREAS)
        local = [c for c in by_language[language] if area in c.areas and "on_site" in c.modes] or by_language[language]
        previous = rng.choice(local)
        gender = previous.gender if rng.random() < 0.15 else None
        named = previous.id if rng.random() < 0.15 else None
        refused = frozenset({rng.choice(local).id} - {previous.id}) if rng.random() < 0.08 else frozenset()
        dialect = rng.choice(DIALECTS[language]) if language in DIALECTS and rng.random() < 0.2 else ""
        if dialect and (language, dialect) not in previous.languages:
            dialect = ""
        client_profiles.append((client_id, language, area, previous.id, gender, named, refused, dialect))
    made = []
    for rid in range(1, requests + 1):
        client_id, language, area, previous, gender, named, refused, dialect = rng.choice(client_profiles)
        mental_health = rng.random() < 0.6
        minutes = 120 if mental_health else rng.choice([30, 60, 60, 90])
        day = rng.randrange(5)
        start = day * DAY + rng.randrange(8 * 4, 15 * 4) * 15
        mode = rng.choices(["on_site", "phone", "video"], [75, 15, 10])[0]
        made.append(Request(id=rid, client_id=client_id, language=language, dialect=dialect, start=start,
                            end=start + minutes, mode=mode, area=area, gender=gender, named=named, previous=previous,
                            refused=refused, mental_health=mental_health))
    return World(requests=made, candidates=candidates)


def measures(world: World, outcome: Outcome) -> dict[str, object]:
    """The figures of one method: time, conflicts, continuity, wishes honoured."""
    requests = world.requests
    assigned = outcome.assignment
    with_previous = [r for r in requests if r.previous is not None]
    continuity = sum(1 for r in with_previous if assigned.get(r.id) == r.previous) / len(with_previous)
    named = [r for r in requests if r.named is not None]
    named_ok = sum(1 for r in named if assigned.get(r.id) == r.named) / max(1, len(named))
    by_id = {c.id: c for c in world.candidates}
    gendered = [r for r in requests if r.gender and r.id in assigned]
    gender_ok = sum(1 for r in gendered if by_id[assigned[r.id]].gender == r.gender) / max(1, len(gendered))
    refused_broken = sum(1 for r in requests if assigned.get(r.id) in r.refused)
    return {"seconds": outcome.seconds, "status": outcome.status, "assigned": len(assigned) / len(requests),
            "conflicts": conflicts(requests, world.candidates, assigned), "continuity": continuity,
            "named": named_ok, "gender": gender_ok, "refused_broken": refused_broken}


def run() -> None:
    world = simulate()
    greedy = measures(world, assign_greedy(world.requests, world.candidates))
    solver = measures(world, assign_cp_sat(world.requests, world.candidates, time_limit_seconds=TIME_LIMIT))
    print(f"seed {SEED}: {len(world.requests)} requests, {len(world.candidates)} interpreters, "
          f"solver time limit {TIME_LIMIT:.0f} s, {os.cpu_count()} CPU(s)")
    rows = []
    for name, m in (("greedy first-free", greedy), ("CP-SAT", solver)):
        rows.append([name, f"{m['seconds']:.2f}", m["status"], f"{m['assigned']:.1%}", m["conflicts"],
                     f"{m['continuity']:.1%}", f"{m['named']:.1%}", f"{m['gender']:.1%}", m["refused_broken"]])
    print_table(["method", "time s", "status", "assigned", "conflicts", "previous interpreter",
                 "named wish met", "gender wish met", "refused used"], rows)
    gain = (solver["continuity"] - greedy["continuity"]) * 100
    print(f"continuity gain: {gain:+.1f} percentage points (target >= +30); solver time target <= 10 s: "
          f"{'met' if solver['seconds'] <= 10 else 'NOT met'}")
