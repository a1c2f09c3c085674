"""Shared inputs of the paths engine tests: the real event logs from ../shared and a log simulator."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import polars as pl
import pytest

from polku.paths.columns import ACTIVITY, CASE, TIMESTAMP

EVENTLOGS = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "eventlogs"
RUNNING_EXAMPLE = EVENTLOGS / "running-example.xes"
BPIC2012 = EVENTLOGS / "bpic2012.xes.gz"


@pytest.fixture
def running_example() -> Path:
    if not RUNNING_EXAMPLE.exists():
        pytest.skip(f"{RUNNING_EXAMPLE} is absent (the shared event logs are not on this machine)")
    return RUNNING_EXAMPLE


@dataclass(frozen=True)
class SimulatedLog:
    """Columns as plain Python lists so that each library can build its own frame from the same data."""

    seed: int
    cases: list[str]
    activities: list[str]
    times: list[datetime]

    def frame(self) -> pl.DataFrame:
        return pl.DataFrame({CASE: self.cases, ACTIVITY: self.activities, TIMESTAMP: self.times},
                            schema={CASE: pl.String, ACTIVITY: pl.String, TIMESTAMP: pl.Datetime("us", "UTC")})


def simulate_log(seed: int, *, cases: int = 300, alphabet: int = 7, tie_share: float = 0.3) -> SimulatedLog:
    """A random log whose rows interleave cases, run backwards in time now and then, and tie on timestamps.

    Times are whole hours so that equal timestamps are common (`tie_share` of the steps add zero time),
    which exercises the rule that ties keep input order.
    """
    print(f"simulated log seed={seed}")  # random test data prints its seed (STYLE.md)
    rng = random.Random(seed)
    names = [f"activity {chr(65 + i)}" for i in range(alphabet)]
    rows: list[tuple[str, str, datetime]] = []
    start = datetime(2024, 1, 1, tzinfo=UTC)
    for number in range(cases):
        moment = start + timedelta(hours=rng.randrange(0, 24 * 300))
        for _ in range(rng.randint(1, 12)):
            rows.append((f"client-{number:04d}", rng.choice(names), moment))
            if rng.random() >= tie_share:
                moment += timedelta(hours=rng.randint(1, 240))
    # Interleave the cases and disturb the order within a case; the stable sort must repair the latter
    # without reordering ties.
    rng.shuffle(rows)
    return SimulatedLog(seed=seed, cases=[r[0] for r in rows], activities=[r[1] for r in rows],
                        times=[r[2] for r in rows])
