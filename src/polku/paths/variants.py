"""Variants: the distinct activity sequences, how many cases follow each, and how long they take."""

from __future__ import annotations

import polars as pl

from polku.paths.columns import COUNT, DURATION, MEAN_DURATION, VARIANT


def variants_from(cases: pl.DataFrame) -> pl.DataFrame:
    """Variants of a case table (durations.case_table_sorted): variant, count, mean_duration_s; most frequent first."""
    return variants_plan(cases.lazy()).collect()


def variants_plan(cases: pl.LazyFrame) -> pl.LazyFrame:
    """The query behind variants_from."""
    return (
        cases
        .group_by(VARIANT)
        .agg(pl.len().cast(pl.Int64).alias(COUNT), pl.col(DURATION).mean().alias(MEAN_DURATION))
        # Ties in count are ordered by the sequence itself so that the output is deterministic (encoded
        # activities are an Enum in name order, so this is the same order as on the text, only faster).
        .sort([COUNT, VARIANT], descending=[True, False])
        # Text again when the case table holds encoded activities.
        .with_columns(pl.col(VARIANT).cast(pl.List(pl.String)))
    )
