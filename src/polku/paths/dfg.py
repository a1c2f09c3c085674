"""The directly-follows graph: which activity follows which, how often, and how long the wait is."""

from __future__ import annotations

import polars as pl

from polku.paths.columns import (
    ACTIVITY,
    ACTIVITY_OUT,
    CASE,
    COUNT,
    FREQUENCY,
    SOURCE,
    TARGET,
    TIMESTAMP,
    VARIANT,
    WAIT_MEAN,
    WAIT_MEDIAN,
    WAIT_P90,
)

_MICROS = 1_000_000.0


def directly_follows_sorted(events: pl.DataFrame, *, case: str = CASE, activity: str = ACTIVITY,
                            timestamp: str = TIMESTAMP) -> pl.DataFrame:
    """DFG edges of events already sorted by prepare_events: frequency and wait mean/median/p90 in seconds."""
    return directly_follows_plan(events.lazy(), case=case, activity=activity, timestamp=timestamp).collect()


def directly_follows_plan(events: pl.LazyFrame, *, case: str, activity: str, timestamp: str) -> pl.LazyFrame:
    """The query behind directly_follows_sorted, for running several queries at once (pl.collect_all)."""
    # One global shift plus a same-case test is cheaper than a shift over case partitions, and equal.
    return (
        events
        .select(
            pl.col(activity).alias(SOURCE),
            pl.col(activity).shift(-1).alias(TARGET),
            ((pl.col(timestamp).shift(-1) - pl.col(timestamp)).dt.total_microseconds() / _MICROS).alias("wait"),
            (pl.col(case).shift(-1) == pl.col(case)).alias("same_case"),
        )
        .filter(pl.col("same_case"))
        .group_by(SOURCE, TARGET)
        .agg(
            pl.len().cast(pl.Int64).alias(FREQUENCY),
            pl.col("wait").mean().alias(WAIT_MEAN),
            pl.col("wait").median().alias(WAIT_MEDIAN),
            # Linear interpolation, numpy's default, so the p90 is reproducible with any tool.
            pl.col("wait").quantile(0.9, interpolation="linear").alias(WAIT_P90),
        )
        # Text again when the caller grouped on encoded activities.
        .with_columns(pl.col(SOURCE).cast(pl.String), pl.col(TARGET).cast(pl.String))
        .sort([FREQUENCY, SOURCE, TARGET], descending=[True, False, False])
    )


def directly_follows_codes_plan(events: pl.LazyFrame, *, activity_count: int, case: str, activity: str,
                                timestamp: str) -> pl.LazyFrame:
    """DFG edges over encoded events (eventlog.encode_events), keyed by one integer per pair: source code ×
    activity_count + target code. Grouping on one integer instead of two columns is about twice as fast;
    decode_directly_follows turns the result into the public table."""
    code = pl.col(activity).to_physical().cast(pl.UInt64)
    return (
        events
        .select(
            (code * activity_count + code.shift(-1)).alias("pair"),
            ((pl.col(timestamp).shift(-1) - pl.col(timestamp)).dt.total_microseconds() / _MICROS).alias("wait"),
            (pl.col(case).shift(-1) == pl.col(case)).alias("same_case"),
        )
        .filter(pl.col("same_case"))
        .group_by("pair")
        .agg(
            pl.len().cast(pl.Int64).alias(FREQUENCY),
            pl.col("wait").mean().alias(WAIT_MEAN),
            pl.col("wait").median().alias(WAIT_MEDIAN),
            # Linear interpolation, numpy's default, so the p90 is reproducible with any tool.
            pl.col("wait").quantile(0.9, interpolation="linear").alias(WAIT_P90),
        )
    )


def decode_directly_follows(pairs: pl.DataFrame, names: pl.Series) -> pl.DataFrame:
    """The public DFG table from directly_follows_codes_plan's result; `names` are the activities by code."""
    width = max(names.len(), 1)
    return (
        pairs
        .select(
            names.gather(pairs["pair"] // width).cast(pl.String).alias(SOURCE),
            names.gather(pairs["pair"] % width).cast(pl.String).alias(TARGET),
            FREQUENCY, WAIT_MEAN, WAIT_MEDIAN, WAIT_P90,
        )
        .sort([FREQUENCY, SOURCE, TARGET], descending=[True, False, False])
    )


def endpoint_activities_from(cases: pl.DataFrame, *, last: bool) -> pl.DataFrame:
    """How many cases start (last=False) or end (last=True) with each activity, most frequent first.

    Takes a case table (durations.case_table_sorted), whose variant column lists each case's activities.
    """
    return endpoint_activities_plan(cases.lazy(), last=last).collect()


def endpoint_activities_plan(cases: pl.LazyFrame, *, last: bool) -> pl.LazyFrame:
    """The query behind endpoint_activities_from."""
    endpoint = pl.col(VARIANT).list.last() if last else pl.col(VARIANT).list.first()
    return (
        cases
        .group_by(endpoint.alias(ACTIVITY_OUT))
        .agg(pl.len().cast(pl.Int64).alias(COUNT))
        # Encoded activities sort like their names (eventlog.encode_events), then become text again.
        .sort([COUNT, ACTIVITY_OUT], descending=[True, False])
        .with_columns(pl.col(ACTIVITY_OUT).cast(pl.String))
    )
