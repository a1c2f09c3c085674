"""One pass over an event table: everything the paths report shows, as frames in a frozen dataclass."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import polars as pl

from polku.paths.breaks import BreakRule, find_breaks_sorted
from polku.paths.columns import (
    ACTIVITY,
    ACTIVITY_OUT,
    CASE,
    CASES,
    COUNT,
    DURATION,
    EVENTS,
    MEAN_DURATION,
    TIMESTAMP,
    VARIANT,
)
from polku.paths.dfg import decode_directly_follows, directly_follows_codes_plan
from polku.paths.durations import case_durations_plan, case_table_plan
from polku.paths.eventlog import ACTIVITY_CODE, CASE_NO, encode_events, prepare_events


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
    names = coded[ACTIVITY_CODE].dtype.categories
    # Only two queries read every event: the per-case table and the DFG. Everything else is derived from
    # the variants (a few thousand rows even for millions of events), weighted by their case counts.
    # Independent queries run together (pl.collect_all), so both cores stay busy on small logs too.
    lazy = coded.lazy()
    cases, pairs = pl.collect_all([
        case_table_plan(lazy, case=case, activity=ACTIVITY_CODE, timestamp=timestamp, run=CASE_NO),
        directly_follows_codes_plan(lazy, activity_count=names.len(), case=CASE_NO, activity=ACTIVITY_CODE,
                                    timestamp=timestamp),
    ])
    coded_variants = (cases.lazy().group_by(VARIANT)
                      .agg(pl.len().cast(pl.Int64).alias(COUNT), pl.col(DURATION).mean().alias(MEAN_DURATION))
                      .collect())
    weighted = coded_variants.lazy()
    starts, ends, variants, activities, durations = pl.collect_all([
        _weighted_endpoints_plan(weighted, last=False), _weighted_endpoints_plan(weighted, last=True),
        _sorted_variants_plan(weighted), _weighted_activity_counts_plan(weighted), case_durations_plan(cases.lazy()),
    ])
    return PathsResult(
        case_count=cases.height,
        event_count=events.height,
        activity_count=activities.height,
        activities=activities,
        directly_follows=decode_directly_follows(pairs, names),
        start_activities=starts,
        end_activities=ends,
        variants=variants,
        case_durations=durations,
        breaks=find_breaks_sorted(events, rules, as_of=as_of, case=case, activity=activity,
                                  timestamp=timestamp),
    )


def _sorted_variants_plan(variants: pl.LazyFrame) -> pl.LazyFrame:
    # Encoded activities are an Enum in name order, so sorting the coded sequences sorts them by name.
    return variants.sort([COUNT, VARIANT], descending=[True, False]).with_columns(
        pl.col(VARIANT).cast(pl.List(pl.String)))


def _weighted_endpoints_plan(variants: pl.LazyFrame, *, last: bool) -> pl.LazyFrame:
    """Cases starting (ending) with each activity: each variant's first (last) activity, weighted by its cases."""
    endpoint = pl.col(VARIANT).list.last() if last else pl.col(VARIANT).list.first()
    return (
        variants
        .group_by(endpoint.alias(ACTIVITY_OUT))
        .agg(pl.col(COUNT).sum().cast(pl.Int64).alias(COUNT))
        .sort([COUNT, ACTIVITY_OUT], descending=[True, False])
        .with_columns(pl.col(ACTIVITY_OUT).cast(pl.String))
    )


def _weighted_activity_counts_plan(variants: pl.LazyFrame) -> pl.LazyFrame:
    """Events and cases per activity: every occurrence in a variant counts its cases once per occurrence (events),
    every activity present in a variant counts its cases once (cases)."""
    occurrences = (variants.select(pl.col(VARIANT).alias(ACTIVITY_OUT), COUNT).explode(ACTIVITY_OUT)
                   .group_by(ACTIVITY_OUT).agg(pl.col(COUNT).sum().cast(pl.Int64).alias(EVENTS)))
    presence = (variants.select(pl.col(VARIANT).list.unique().alias(ACTIVITY_OUT), COUNT).explode(ACTIVITY_OUT)
                .group_by(ACTIVITY_OUT).agg(pl.col(COUNT).sum().cast(pl.Int64).alias(CASES)))
    return (
        occurrences.join(presence, on=ACTIVITY_OUT, how="inner")
        .sort([EVENTS, ACTIVITY_OUT], descending=[True, False])
        .with_columns(pl.col(ACTIVITY_OUT).cast(pl.String))
        .select(ACTIVITY_OUT, EVENTS, CASES)
    )
