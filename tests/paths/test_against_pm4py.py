"""Polku's paths engine against an independent oracle, pm4py (AGPL; a test-only dependency, never imported by Polku).

For the running example, BPIC 2012 and simulated logs with ties, the directly-follows frequencies, start and
end activities, variants with counts, and the mean and median wait on every DFG edge must equal pm4py's.
pm4py reads the XES files with its own reader, so the comparison also covers Polku's XES import.
"""

from __future__ import annotations

import math
import warnings

import pandas as pd
import pm4py  # the test extra installs it; a missing oracle must fail the suite, not skip it
import polars as pl
import pytest

from polku import paths
from tests.paths.conftest import BPIC2012, SimulatedLog, simulate_log

REL, ABS = 1e-9, 1e-6  # seconds: float noise only


def pm4py_view(frame: pd.DataFrame) -> dict:
    """Everything we compare, as pm4py computes it on a formatted dataframe (its documented usage)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        formatted = pm4py.format_dataframe(frame, case_id="case:concept:name", activity_key="concept:name",
                                           timestamp_key="time:timestamp")
        dfg, starts, ends = pm4py.discover_dfg(formatted)
        performance, _, _ = pm4py.discover_performance_dfg(formatted)
        variants = pm4py.get_variants(formatted)
    return {"dfg": {k: int(v) for k, v in dfg.items()},
            "start": {k: int(v) for k, v in pm4py.get_start_activities(formatted).items()},
            "end": {k: int(v) for k, v in pm4py.get_end_activities(formatted).items()},
            "discover_start": {k: int(v) for k, v in starts.items()},
            "discover_end": {k: int(v) for k, v in ends.items()},
            "variants": {tuple(k): int(v) for k, v in variants.items()},
            "mean": {k: float(v["mean"]) for k, v in performance.items()},
            "median": {k: float(v["median"]) for k, v in performance.items()}}


def polku_view(frame: pl.DataFrame) -> dict:
    result = paths.analyze(frame)
    edges = result.directly_follows.to_dicts()
    return {"dfg": {(e["source"], e["target"]): e["frequency"] for e in edges},
            "start": dict(result.start_activities.rows()),
            "end": dict(result.end_activities.rows()),
            "variants": {tuple(row["variant"]): row["count"] for row in result.variants.to_dicts()},
            "mean": {(e["source"], e["target"]): e["wait_mean_s"] for e in edges},
            "median": {(e["source"], e["target"]): e["wait_median_s"] for e in edges}}


def assert_same(polku: dict, oracle: dict) -> None:
    assert polku["dfg"] == oracle["dfg"]
    assert polku["start"] == oracle["start"] == oracle["discover_start"]
    assert polku["end"] == oracle["end"] == oracle["discover_end"]
    assert polku["variants"] == oracle["variants"]
    for measure in ("mean", "median"):
        assert polku[measure].keys() == oracle[measure].keys()
        for edge, expected in oracle[measure].items():
            assert math.isclose(polku[measure][edge], expected, rel_tol=REL, abs_tol=ABS), (measure, edge)


def read_with_pm4py(path) -> pd.DataFrame:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return pm4py.read_xes(str(path))


def test_running_example_matches_pm4py(running_example):
    oracle = pm4py_view(read_with_pm4py(running_example))
    polku = polku_view(paths.read_xes(running_example))
    assert_same(polku, oracle)
    assert len(polku["dfg"]) == 16 and sum(polku["variants"].values()) == 6  # the file is what we think it is


@pytest.fixture(scope="module")
def bpic2012_pm4py() -> dict:
    if not BPIC2012.exists():
        pytest.skip(f"{BPIC2012} is absent (the shared event logs are not on this machine)")
    return pm4py_view(read_with_pm4py(BPIC2012))


def test_bpic2012_matches_pm4py(bpic2012_pm4py):
    frame = paths.read_xes(BPIC2012)
    assert frame.height == 262_200 and frame["case:concept:name"].n_unique() == 13_087
    assert_same(polku_view(frame), bpic2012_pm4py)


def test_bpic2012_written_by_polku_reads_back_to_the_same_analysis(bpic2012_pm4py, tmp_path):
    target = tmp_path / "copy.xes.gz"
    paths.write_xes(paths.read_xes(BPIC2012), target)
    assert_same(polku_view(paths.read_xes(target)), bpic2012_pm4py)


def pandas_frame(log: SimulatedLog) -> pd.DataFrame:
    return pd.DataFrame({"case:concept:name": log.cases, "concept:name": log.activities,
                         "time:timestamp": pd.to_datetime(log.times, utc=True)})


@pytest.mark.parametrize("seed", [1, 7, 2016, 90210, 424242])
def test_simulated_log_with_ties_matches_pm4py(seed):
    log = simulate_log(seed)
    frame = log.frame()
    ties = frame.group_by("case:concept:name", "time:timestamp").len().filter(pl.col("len") > 1).height
    assert ties > 20, "the simulation must produce equal timestamps, or the tie rule goes untested"
    assert_same(polku_view(frame), pm4py_view(pandas_frame(log)))


def test_simulated_log_written_as_xes_is_read_alike_by_pm4py_and_polku(tmp_path):
    log = simulate_log(31337, cases=120)
    target = tmp_path / "simulated.xes"
    paths.write_xes(log.frame(), target)
    assert_same(polku_view(paths.read_xes(target)), pm4py_view(read_with_pm4py(target)))
