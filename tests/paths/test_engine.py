"""The algorithms on literal frames: DFG with waits, start/end activities, variants, durations, tie order."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime, timedelta

import polars as pl
import pytest

from polku import paths
from polku.paths.errors import EventLogError

T0 = datetime(2024, 3, 1, 9, 0, tzinfo=UTC)


def at(hours: float) -> datetime:
    return T0 + timedelta(hours=hours)


def log(rows: list[tuple[str, str, float]]) -> pl.DataFrame:
    return pl.DataFrame({"case:concept:name": [r[0] for r in rows], "concept:name": [r[1] for r in rows],
                         "time:timestamp": [at(r[2]) for r in rows]})


# Two clients: c1 referral → triage → meeting (waits 2 h and 10 h), c2 referral → meeting (4 h), rows mixed.
SMALL = log([("c2", "referral", 0), ("c1", "triage", 2), ("c1", "referral", 0), ("c2", "meeting", 4),
             ("c1", "meeting", 12)])


def test_directly_follows_counts_each_transition_and_its_waits_in_seconds():
    edges = {(e["source"], e["target"]): e for e in paths.directly_follows(SMALL).to_dicts()}
    assert set(edges) == {("referral", "triage"), ("triage", "meeting"), ("referral", "meeting")}
    assert edges[("referral", "triage")]["frequency"] == 1
    assert edges[("referral", "triage")]["wait_mean_s"] == 2 * 3600
    assert edges[("triage", "meeting")]["wait_median_s"] == 10 * 3600
    assert edges[("referral", "meeting")]["wait_p90_s"] == 4 * 3600


def test_waits_aggregate_mean_median_and_linear_p90_over_all_occurrences():
    waits_h = [1, 2, 3, 4, 10]
    frame = log([(f"c{i}", "a", 0) for i in range(5)] + [(f"c{i}", "b", w) for i, w in enumerate(waits_h)])
    edge = paths.directly_follows(frame).row(0, named=True)
    assert edge["frequency"] == 5
    assert edge["wait_mean_s"] == pytest.approx(4 * 3600)
    assert edge["wait_median_s"] == pytest.approx(3 * 3600)
    # numpy's linear p90 of [1, 2, 3, 4, 10] h: 4 + 0.6 * (10 - 4) = 7.6 h
    assert edge["wait_p90_s"] == pytest.approx(7.6 * 3600)


def test_start_and_end_activities_count_cases():
    assert paths.start_activities(SMALL).rows() == [("referral", 2)]
    assert paths.end_activities(SMALL).rows() == [("meeting", 2)]


def test_equal_timestamps_keep_input_order_within_a_case():
    # "b" and "c" happen at the same moment; the table lists c first, so the path is a → c → b.
    frame = log([("x", "a", 0), ("x", "c", 1), ("x", "b", 1), ("y", "a", 0), ("y", "b", 1), ("y", "c", 1)])
    variants = {tuple(row["variant"]): row["count"] for row in paths.list_variants(frame).to_dicts()}
    assert variants == {("a", "c", "b"): 1, ("a", "b", "c"): 1}
    edges = {(e["source"], e["target"]): e["frequency"] for e in paths.directly_follows(frame).to_dicts()}
    assert edges == {("a", "c"): 1, ("c", "b"): 1, ("a", "b"): 1, ("b", "c"): 1}
    assert edges.keys() and all(w == 0 for w in paths.directly_follows(frame).filter(
        pl.col("source").is_in(["b", "c"]))["wait_mean_s"].to_list())


def test_events_out_of_time_order_are_sorted_by_time_within_the_case():
    frame = log([("x", "late", 5), ("x", "early", 1)])
    assert paths.list_variants(frame)["variant"].to_list() == [["early", "late"]]


def test_variants_give_sequence_case_count_and_mean_duration_most_frequent_first():
    frame = log([("c1", "a", 0), ("c1", "b", 2), ("c2", "a", 0), ("c2", "b", 4), ("c3", "b", 0)])
    assert paths.list_variants(frame).rows() == [(["a", "b"], 2, 3 * 3600.0), (["b"], 1, 0.0)]


def test_case_durations_give_first_and_last_event_and_seconds_between():
    rows = paths.case_durations(SMALL).to_dicts()
    assert [(r["case"], r["events"], r["duration_s"]) for r in rows] == [("c1", 3, 12 * 3600.0), ("c2", 2, 4 * 3600.0)]
    assert rows[0]["start"] == at(0) and rows[0]["end"] == at(12)


def test_analyze_bundles_every_table_and_the_counts():
    result = paths.analyze(SMALL)
    assert (result.case_count, result.event_count, result.activity_count) == (2, 5, 3)
    assert result.activities.rows() == [("meeting", 2, 2), ("referral", 2, 2), ("triage", 1, 1)]
    assert result.directly_follows.height == 3 and result.variants.height == 2 and result.breaks.is_empty()


def test_other_column_names_are_given_by_keyword():
    frame = SMALL.rename({"case:concept:name": "client", "concept:name": "step", "time:timestamp": "at"})
    result = paths.analyze(frame, case="client", activity="step", timestamp="at")
    assert result.directly_follows.equals(paths.analyze(SMALL).directly_follows)


def test_naive_timestamps_are_taken_as_utc_and_text_timestamps_are_parsed():
    naive = SMALL.with_columns(pl.col("time:timestamp").dt.replace_time_zone(None))
    text = SMALL.with_columns(pl.col("time:timestamp").dt.to_string("%Y-%m-%dT%H:%M:%S+00:00"))
    expected = paths.directly_follows(SMALL)
    assert paths.directly_follows(naive).equals(expected)
    assert paths.directly_follows(text).equals(expected)


def test_empty_log_gives_empty_results_not_a_crash():
    empty = SMALL.clear()
    result = paths.analyze(empty, rules=[paths.GapLongerThan(days=1)])
    assert (result.case_count, result.event_count, result.activity_count) == (0, 0, 0)
    for frame in (result.directly_follows, result.start_activities, result.end_activities, result.variants,
                  result.case_durations, result.breaks, result.activities):
        assert frame.is_empty()
    assert result.directly_follows.columns == ["source", "target", "frequency", "wait_mean_s", "wait_median_s",
                                               "wait_p90_s"]


def test_event_without_case_id_is_refused_with_its_row():
    frame = SMALL.with_columns(pl.when(pl.int_range(pl.len()) == 3).then(None)
                               .otherwise(pl.col("case:concept:name")).alias("case:concept:name"))
    with pytest.raises(EventLogError, match=r"row 3: event without case id"):
        paths.analyze(frame)


def test_missing_column_is_refused_naming_what_is_there():
    with pytest.raises(EventLogError, match=r"missing column\(s\) 'time:timestamp'.*'concept:name'"):
        paths.analyze(SMALL.drop("time:timestamp"))


def test_unreadable_text_timestamp_is_refused_with_its_row():
    frame = SMALL.with_columns(pl.col("time:timestamp").dt.to_string("%Y-%m-%dT%H:%M:%S+00:00"))
    frame = frame.with_columns(pl.when(pl.int_range(pl.len()) == 2).then(pl.lit("last tuesday"))
                               .otherwise(pl.col("time:timestamp")).alias("time:timestamp"))
    with pytest.raises(EventLogError, match=r"row 2: .*'last tuesday' is not an ISO 8601"):
        paths.analyze(frame)


def test_importing_the_engine_pulls_in_no_django():
    modules = ["polku.paths", "polku.paths.cli", "polku.paths.ocel_json", "polku.paths.ocel_xml",
               "polku.paths.ocel_sqlite", "polku.paths.xes_lines", "polku.paths.layout"]
    code = ("import sys\n" + "".join(f"import {m}\n" for m in modules)
            + "print(sorted(m for m in sys.modules if m == 'django' or m.startswith('django.')))")
    found = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert found.stdout.strip() == "[]"


def test_analyze_derives_the_same_tables_as_the_single_purpose_functions():
    """analyze takes activity, start and end counts from the variants weighted by their cases, and the DFG from
    integer pair codes; the single-purpose functions compute each on the events directly: they must agree."""
    rows = []
    for case in range(40):
        steps = ["a", "b", "c", "b", "d"][: 2 + case % 4] + (["e"] if case % 3 == 0 else [])
        rows += [(f"c{case % 17}-{case}", step, datetime(2024, 1, 1, tzinfo=UTC) + timedelta(hours=case + 5 * i))
                 for i, step in enumerate(steps)]
    frame = pl.DataFrame(rows, schema=["case:concept:name", "concept:name", "time:timestamp"], orient="row")
    frame = frame.sample(fraction=1.0, shuffle=True, seed=7)
    result = paths.analyze(frame)
    assert result.activities.equals(paths.activities(frame))
    assert result.start_activities.equals(paths.start_activities(frame))
    assert result.end_activities.equals(paths.end_activities(frame))
    assert result.directly_follows.equals(paths.directly_follows(frame))
    assert result.variants.equals(paths.list_variants(frame))
    assert result.case_durations.equals(paths.case_durations(frame))
    # And hand-counted figures: "b" occurs once in the 20 cases of 2 or 3 steps, twice in the 20 longer ones.
    counts = {row["activity"]: (row["events"], row["cases"]) for row in result.activities.to_dicts()}
    assert counts["b"] == (20 * 1 + 20 * 2, 40) and counts["d"] == (10, 10) and counts["e"] == (14, 14)
