"""Per-case tables: one row per case with its path, start, end, length and duration."""

from __future__ import annotations

import polars as pl

from polku.paths.columns import ACTIVITY, CASE, CASE_OUT, DURATION, END, EVENTS, START, TIMESTAMP, VARIANT

_MICROS = 1_000_000.0


def case_table_sorted(events: pl.DataFrame, *, case: str = CASE, activity: str = ACTIVITY,
                      timestamp: str = TIMESTAMP) -> pl.DataFrame:
    """One row per case of prepared events: case, variant (its activities in order), start, end, events, duration_s.

    Cases are grouped by their run of rows (prepared events keep each case contiguous), which is cheaper
    than grouping on the case ids; `activity` may be an encoded (Enum) column, kept as it is.
    """
    return case_table_plan(events.lazy(), case=case, activity=activity, timestamp=timestamp).collect()


def case_table_plan(events: pl.LazyFrame, *, case: str, activity: str, timestamp: str,
                    run: str | None = None) -> pl.LazyFrame:
    """The query behind case_table_sorted; `run` names a ready run-number column (eventlog.encode_events)."""
    if run is None:
        run = "__run"
        events = events.with_columns(
            (pl.col(case) != pl.col(case).shift(1)).fill_null(True).cast(pl.Int32).cum_sum().set_sorted().alias(run))
    return (
        events
        .group_by(run)
        .agg(
            pl.col(case).first().alias(CASE_OUT),
            pl.col(activity).alias(VARIANT),
            pl.col(timestamp).first().alias(START),
            pl.col(timestamp).last().alias(END),
            pl.len().cast(pl.Int64).alias(EVENTS),
        )
        .drop(run)
        .with_columns(((pl.col(END) - pl.col(START)).dt.total_microseconds() / _MICROS).alias(DURATION))
    )


def case_durations_from(cases: pl.DataFrame) -> pl.DataFrame:
    """The per-case durations (case, start, end, events, duration_s) of a case table, ordered by case."""
    return case_durations_plan(cases.lazy()).collect()


def case_durations_plan(cases: pl.LazyFrame) -> pl.LazyFrame:
    """The query behind case_durations_from."""
    return cases.select(pl.col(CASE_OUT).cast(pl.String), START, END, EVENTS, DURATION).sort(CASE_OUT)
