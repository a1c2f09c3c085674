"""One pass over an event table: everything the paths report shows, as frames in a frozen dataclass."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import polars as pl

from polku.paths.breaks import BreakRule, find_breaks_sorted
from polku.paths.columns import ACTIVITY, ACTIVITY_OUT, CASE, CASES, EVENTS, TIMESTAMP
from polku.paths.dfg import directly_follows_plan, endpoint_activities_plan
from polku.paths.durations import case_durations_plan, case_table_plan
from polku.paths.eventlog import ACTIVITY_CODE, CASE_NO, encode_events, prepare_events
from polku.paths.variants import variants_plan


@dataclass(frozen=True)
class PathsResult:
    """What `analyze` found; every table is a polars frame with the column names in `polku.paths.columns`."""

    case_count: int
    event_count: int
    activity_count: int
    activities: pl.DataFrame  # activity, events, cases
    directly_follows: pl.DataFrame  # source, target, frequency, wait_mean_s, wait_median_s, wait_p90_s
    start_activities: pl.DataFrame  # activity, count
    end_activities: pl.DataFrame  # activity, count
    variants: pl.DataFrame  # variant (list of activities), count, mean_duration_s
    case_durations: pl.DataFrame  # case, start, end, events, duration_s
    breaks: pl.DataFrame  # case, rule, position, activity, timestamp, measured_s


def activity_counts_sorted(events: pl.DataFrame, *, case: str = CASE, activity: str = ACTIVITY) -> pl.DataFrame:
    """Events and distinct cases per activity, most frequent first."""
    return activity_counts_plan(events.lazy(), case=case, activity=activity).collect()


def activity_counts_plan(events: pl.LazyFrame, *, case: str, activity: str) -> pl.LazyFrame:
    """The query behind activity_counts_sorted."""
    return (
        events
        .group_by(pl.col(activity).alias(ACTIVITY_OUT))
        .agg(pl.len().cast(pl.Int64).alias(EVENTS), pl.col(case).n_unique().cast(pl.Int64).alias(CASES))
        .sort([EVENTS, ACTIVITY_OUT], descending=[True, False])
        .with_columns(pl.col(ACTIVITY_OUT).cast(pl.String))
    )


def analyze_events(frame: pl.DataFrame, *, rules: Sequence[BreakRule] = (), as_of: datetime | None = None,
                   case: str = CASE, activity: str = ACTIVITY, timestamp: str = TIMESTAMP) -> PathsResult:
    """DFG with waits, start/end activities, variants, case durations and breaks of one event table."""
    events = prepare_events(frame, case=case, activity=activity, timestamp=timestamp)
    # Grouping on integers (case run number, activity Enum code) instead of text is several times faster on
    # millions of events; every table casts back to text.
    coded = encode_events(events, case=case, activity=activity, timestamp=timestamp)
    # Independent queries run together (pl.collect_all), so both cores stay busy on small logs too.
    lazy = coded.lazy()
    cases, activities, directly_follows = pl.collect_all([
        case_table_plan(lazy, case=case, activity=ACTIVITY_CODE, timestamp=timestamp),
        activity_counts_plan(lazy, case=CASE_NO, activity=ACTIVITY_CODE),
        directly_follows_plan(lazy, case=CASE_NO, activity=ACTIVITY_CODE, timestamp=timestamp),
    ])
    per_case = cases.lazy()
    starts, ends, variants, durations = pl.collect_all([
        endpoint_activities_plan(per_case, last=False), endpoint_activities_plan(per_case, last=True),
        variants_plan(per_case), case_durations_plan(per_case),
    ])
    return PathsResult(
        case_count=cases.height,
        event_count=events.height,
        activity_count=activities.height,
        activities=activities,
        directly_follows=directly_follows,
        start_activities=starts,
        end_activities=ends,
        variants=variants,
        case_durations=durations,
        breaks=find_breaks_sorted(events, rules, as_of=as_of, case=case, activity=activity,
                                  timestamp=timestamp),
    )
