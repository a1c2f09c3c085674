"""Polku's paths engine: process mining of service paths on polars, with no Django and no I/O in the algorithms.

The facade, in the order a user meets it::

    from polku import paths

    events = paths.read_xes("referrals.xes.gz")          # or read_csv / read_parquet / read_ocel + ocel_to_events
    result = paths.analyze(events, rules=[paths.NotFollowedWithin("referral sent", "first meeting", days=14)])
    result.directly_follows                              # source, target, frequency, wait mean/median/p90 (s)
    paths.write_result_json(result, "paths.json"); paths.write_html_report(result, "paths.html")

Every analysis function takes an event table (a polars DataFrame) with a case, an activity and a timestamp column,
named by the XES defaults unless the caller says otherwise (`case=`, `activity=`, `timestamp=`). Events are
ordered by case, then time, ties kept in input order (as pm4py does). Bad input raises EventLogError.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import polars as pl

from polku.paths.analysis import PathsResult, activity_counts_sorted, analyze_events
from polku.paths.breaks import BreakRule, EndsWith, GapLongerThan, NotFollowedWithin, find_breaks_sorted
from polku.paths.columns import ACTIVITY, CASE, TIMESTAMP
from polku.paths.dfg import directly_follows_sorted, endpoint_activities_from
from polku.paths.durations import case_durations_from, case_table_sorted
from polku.paths.errors import EventLogError
from polku.paths.eventlog import prepare_events
from polku.paths.html_report import render_html_report, write_html_report
from polku.paths.ocel import ObjectCentricLog, ObjectColumn, events_to_ocel, ocel_to_events, read_ocel, write_ocel
from polku.paths.result_json import result_to_json, write_result_json
from polku.paths.tabular import read_csv, read_parquet, write_parquet
from polku.paths.variants import variants_from
from polku.paths.xes import read_xes, write_xes

__all__ = [
    "BreakRule", "EndsWith", "EventLogError", "GapLongerThan", "NotFollowedWithin", "ObjectCentricLog",
    "ObjectColumn", "PathsResult", "activities", "analyze", "case_durations", "directly_follows",
    "end_activities", "events_to_ocel", "find_breaks", "ocel_to_events", "prepare_events", "read_csv",
    "read_ocel", "read_parquet", "read_xes", "render_html_report", "result_to_json", "start_activities",
    "list_variants", "write_html_report", "write_ocel", "write_parquet", "write_result_json", "write_xes",
]


def _cases(frame: pl.DataFrame, *, case: str, activity: str, timestamp: str) -> pl.DataFrame:
    events = prepare_events(frame, case=case, activity=activity, timestamp=timestamp)
    return case_table_sorted(events, case=case, activity=activity, timestamp=timestamp)


def analyze(frame: pl.DataFrame, *, rules: Sequence[BreakRule] = (), as_of: datetime | None = None,
            case: str = CASE, activity: str = ACTIVITY, timestamp: str = TIMESTAMP) -> PathsResult:
    """Everything at once (one sort): DFG with waits, start/end activities, variants, durations, breaks."""
    return analyze_events(frame, rules=rules, as_of=as_of, case=case, activity=activity, timestamp=timestamp)


def directly_follows(frame: pl.DataFrame, *, case: str = CASE, activity: str = ACTIVITY,
                     timestamp: str = TIMESTAMP) -> pl.DataFrame:
    """DFG edges: source, target, frequency, and wait_mean_s / wait_median_s / wait_p90_s between the two events."""
    events = prepare_events(frame, case=case, activity=activity, timestamp=timestamp)
    return directly_follows_sorted(events, case=case, activity=activity, timestamp=timestamp)


def start_activities(frame: pl.DataFrame, *, case: str = CASE, activity: str = ACTIVITY,
                     timestamp: str = TIMESTAMP) -> pl.DataFrame:
    """Activities that open a case, with the number of cases (activity, count), most frequent first."""
    return endpoint_activities_from(_cases(frame, case=case, activity=activity, timestamp=timestamp), last=False)


def end_activities(frame: pl.DataFrame, *, case: str = CASE, activity: str = ACTIVITY,
                   timestamp: str = TIMESTAMP) -> pl.DataFrame:
    """Activities that close a case, with the number of cases (activity, count), most frequent first."""
    return endpoint_activities_from(_cases(frame, case=case, activity=activity, timestamp=timestamp), last=True)


def activities(frame: pl.DataFrame, *, case: str = CASE, activity: str = ACTIVITY,
               timestamp: str = TIMESTAMP) -> pl.DataFrame:
    """Events and distinct cases per activity (activity, events, cases), most frequent first."""
    events = prepare_events(frame, case=case, activity=activity, timestamp=timestamp)
    return activity_counts_sorted(events, case=case, activity=activity)


def list_variants(frame: pl.DataFrame, *, case: str = CASE, activity: str = ACTIVITY,
             timestamp: str = TIMESTAMP) -> pl.DataFrame:
    """Variants: variant (list of activities), count of cases, mean_duration_s; most frequent first."""
    return variants_from(_cases(frame, case=case, activity=activity, timestamp=timestamp))


def case_durations(frame: pl.DataFrame, *, case: str = CASE, activity: str = ACTIVITY,
                   timestamp: str = TIMESTAMP) -> pl.DataFrame:
    """Per case: case, start, end, events, duration_s; ordered by case."""
    return case_durations_from(_cases(frame, case=case, activity=activity, timestamp=timestamp))


def find_breaks(frame: pl.DataFrame, rules: Sequence[BreakRule], *, as_of: datetime | None = None,
                case: str = CASE, activity: str = ACTIVITY, timestamp: str = TIMESTAMP) -> pl.DataFrame:
    """Events flagged by break rules: case, rule, position (0-based in the case), activity, timestamp, measured_s.

    `as_of` (default: the log's last timestamp) is "now" for deadline rules: a deadline not yet passed is no break.
    """
    events = prepare_events(frame, case=case, activity=activity, timestamp=timestamp)
    return find_breaks_sorted(events, rules, as_of=as_of, case=case, activity=activity, timestamp=timestamp)
