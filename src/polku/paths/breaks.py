"""Break detection: rules over a case's path ("referral not followed by a first meeting within 14 days").

Rules are typed frozen dataclasses; `find_breaks_sorted` evaluates each with polars window expressions over
the sorted events and returns one row per flagged event.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import polars as pl

from polku.paths.columns import (
    ACTIVITY,
    ACTIVITY_OUT,
    CASE,
    CASE_OUT,
    MEASURED,
    POSITION,
    RULE,
    TIME_OUT,
    TIME_TYPE,
    TIMESTAMP,
)

_MICROS = 1_000_000.0


def _check_days(days: float) -> None:
    if not days > 0:
        raise ValueError(f"a break rule needs a positive number of days, not {days!r}")


@dataclass(frozen=True)
class NotFollowedWithin:
    """Activity `activity` not followed by `then` within `days` days (flagged at the `activity` event).

    A deadline that has not yet passed at the analysis time (`as_of`) is not a break: the case may still
    go on. `measured_s` is the wait until the next `then`, or null when none came.
    """

    activity: str
    then: str
    days: float
    name: str | None = None

    def __post_init__(self) -> None:
        _check_days(self.days)

    @property
    def label(self) -> str:
        return self.name or f"{self.activity!r} not followed by {self.then!r} within {self.days:g} days"


@dataclass(frozen=True)
class EndsWith:
    """The case ends with activity `activity` (flagged at the last event)."""

    activity: str
    name: str | None = None

    @property
    def label(self) -> str:
        return self.name or f"case ends with {self.activity!r}"


@dataclass(frozen=True)
class GapLongerThan:
    """More than `days` days between two consecutive events of a case (flagged at the later event)."""

    days: float
    name: str | None = None

    def __post_init__(self) -> None:
        _check_days(self.days)

    @property
    def label(self) -> str:
        return self.name or f"gap longer than {self.days:g} days"


BreakRule = NotFollowedWithin | EndsWith | GapLongerThan

BREAKS_SCHEMA = {CASE_OUT: pl.String, RULE: pl.String, POSITION: pl.Int64, ACTIVITY_OUT: pl.String,
                 TIME_OUT: TIME_TYPE, MEASURED: pl.Float64}


def _flags(rule: BreakRule, *, case: str, activity: str, timestamp: str, as_of: datetime) -> tuple[pl.Expr, pl.Expr]:
    """(is flagged, measured seconds) for one rule, as expressions over sorted events."""
    ts, act = pl.col(timestamp), pl.col(activity)
    if isinstance(rule, GapLongerThan):
        gap = ts - ts.shift(1)
        same_case = pl.col(case) == pl.col(case).shift(1)
        return (same_case & (gap > timedelta(days=rule.days))).fill_null(False), gap.dt.total_microseconds() / _MICROS
    if isinstance(rule, EndsWith):
        last = (pl.col(case) != pl.col(case).shift(-1)).fill_null(True)
        return last & (act == rule.activity), pl.lit(None, dtype=pl.Float64)
    if isinstance(rule, NotFollowedWithin):
        window = timedelta(days=rule.days)
        # The next `then` strictly after each event: its own timestamp if it is one, shifted up by one and
        # back-filled within the case.
        next_then = pl.when(act == rule.then).then(ts).shift(-1).backward_fill().over(case)
        wait = next_then - ts
        flagged = ((act == rule.activity) & (next_then.is_null() | (wait > window))
                   & (ts + window <= pl.lit(as_of, dtype=TIME_TYPE)))
        return flagged.fill_null(False), wait.dt.total_microseconds() / _MICROS
    raise TypeError(f"not a break rule: {rule!r}")


def find_breaks_sorted(events: pl.DataFrame, rules: Sequence[BreakRule], *, as_of: datetime | None = None,
                       case: str = CASE, activity: str = ACTIVITY, timestamp: str = TIMESTAMP) -> pl.DataFrame:
    """Flagged events of sorted events: case, rule label, 0-based position in the case, activity, time, measure."""
    if not rules or events.is_empty():
        return pl.DataFrame(schema=BREAKS_SCHEMA)
    if as_of is None:
        reference = events[timestamp].max()
    else:
        reference = as_of if as_of.tzinfo is not None else as_of.replace(tzinfo=UTC)
    base = events.lazy().with_columns(pl.int_range(pl.len()).over(case).cast(pl.Int64).alias(POSITION))
    found = []
    for order, rule in enumerate(rules):
        flagged, measured = _flags(rule, case=case, activity=activity, timestamp=timestamp, as_of=reference)
        found.append(
            base.with_columns(flagged.alias("flagged"), measured.cast(pl.Float64).alias(MEASURED))
            .filter(pl.col("flagged"))
            .select(pl.col(case).cast(pl.String).alias(CASE_OUT), pl.lit(rule.label).alias(RULE),
                    POSITION, pl.col(activity).alias(ACTIVITY_OUT), pl.col(timestamp).alias(TIME_OUT), MEASURED,
                    pl.lit(order).alias("order"))
        )
    return pl.concat(found).sort([CASE_OUT, POSITION, "order"]).drop("order").collect().cast(BREAKS_SCHEMA)
