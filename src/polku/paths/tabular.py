"""CSV and Parquet event tables: read with the caller's column names, hand out the XES names."""

from __future__ import annotations

import os
from pathlib import Path

import polars as pl

from polku.paths.columns import ACTIVITY, CASE, TIMESTAMP
from polku.paths.errors import EventLogError
from polku.paths.timestamps import to_utc


def normalise_table(frame: pl.DataFrame, *, case: str = CASE, activity: str = ACTIVITY,
                    timestamp: str = TIMESTAMP, source: str = "table") -> pl.DataFrame:
    """Rename the key columns to the XES names, case ids and activities to text, timestamps to UTC.

    Row order is kept (it breaks ties between equal timestamps). Raises EventLogError naming the row
    (1-based data row for files) for a missing column, an event without case id, activity or timestamp,
    or an unreadable timestamp.
    """
    missing = [name for name in (case, activity, timestamp) if name not in frame.columns]
    if missing:
        raise EventLogError(f"{source}: missing column(s) {', '.join(map(repr, missing))}; "
                            f"found {', '.join(map(repr, frame.columns)) or 'no columns'}")
    for name, what in ((case, "case id"), (activity, "activity"), (timestamp, "timestamp")):
        nulls = frame[name].is_null()
        if frame[name].dtype == pl.String:
            nulls = nulls | (frame[name].str.strip_chars() == "")
        if nulls.any():
            raise EventLogError(f"{source}: event without {what} (column {name!r})", row=int(nulls.arg_max()) + 1)
    times, bad = to_utc(frame[timestamp])
    if bad is not None:
        raise EventLogError(f"{source}: column {timestamp!r}: {bad.reason}", row=bad.index + 1)
    renamed = frame.drop([c for c in (CASE, ACTIVITY, TIMESTAMP) if c in frame.columns
                          and c not in (case, activity, timestamp)])
    renamed = renamed.with_columns(pl.col(case).cast(pl.String), pl.col(activity).cast(pl.String),
                                   times.alias(timestamp))
    renamed = renamed.rename({case: CASE, activity: ACTIVITY, timestamp: TIMESTAMP})
    return renamed.select([CASE, ACTIVITY, TIMESTAMP, *[c for c in renamed.columns
                                                        if c not in (CASE, ACTIVITY, TIMESTAMP)]])


def read_csv(path: str | os.PathLike, *, case: str = CASE, activity: str = ACTIVITY, timestamp: str = TIMESTAMP,
             separator: str = ",") -> pl.DataFrame:
    """Read a CSV event table (header row; ISO 8601 timestamps) into the XES column names."""
    try:
        frame = pl.read_csv(path, separator=separator, infer_schema_length=10_000,
                            schema_overrides={case: pl.String, activity: pl.String, timestamp: pl.String})
    except (OSError, pl.exceptions.PolarsError) as exc:
        raise EventLogError(f"{Path(path).name}: cannot read as CSV ({exc})") from None
    return normalise_table(frame, case=case, activity=activity, timestamp=timestamp, source=Path(path).name)


def read_parquet(path: str | os.PathLike, *, case: str = CASE, activity: str = ACTIVITY,
                 timestamp: str = TIMESTAMP) -> pl.DataFrame:
    """Read a Parquet event table into the XES column names (naive timestamps are taken as UTC)."""
    try:
        frame = pl.read_parquet(path)
    except (OSError, pl.exceptions.PolarsError) as exc:
        raise EventLogError(f"{Path(path).name}: cannot read as Parquet ({exc})") from None
    return normalise_table(frame, case=case, activity=activity, timestamp=timestamp, source=Path(path).name)


def write_parquet(frame: pl.DataFrame, path: str | os.PathLike) -> None:
    """Write an event table as Parquet (polars' own writer; no extra dependency)."""
    frame.write_parquet(path)
