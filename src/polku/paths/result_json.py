"""The analysis result as JSON (schema: docs/paths-json.md, identifier `polku.paths/1`)."""

from __future__ import annotations

import json
import os
from typing import Any

import polars as pl

from polku.paths.analysis import PathsResult
from polku.paths.columns import DURATION, END, START, VARIANT

SCHEMA = "polku.paths/1"


def _rows(frame: pl.DataFrame) -> list[dict[str, Any]]:
    """Rows as dicts with timestamps as ISO 8601 UTC text."""
    texts = frame.with_columns([pl.col(c).dt.to_string("%Y-%m-%dT%H:%M:%S%.6fZ")
                                for c, t in frame.schema.items() if isinstance(t, pl.Datetime)])
    return texts.to_dicts()


def _duration_summary(durations: pl.DataFrame) -> dict[str, float | None]:
    column = durations[DURATION]
    if column.is_empty():
        return {"mean_s": None, "median_s": None, "p90_s": None, "min_s": None, "max_s": None}
    return {"mean_s": column.mean(), "median_s": column.median(),
            "p90_s": column.quantile(0.9, interpolation="linear"), "min_s": column.min(), "max_s": column.max()}


def result_to_json(result: PathsResult) -> dict[str, Any]:
    """The whole result as JSON-ready dicts and lists (seconds as floats, times as ISO 8601 UTC)."""
    durations = result.case_durations
    first = durations[START].min() if durations.height else None
    last = durations[END].max() if durations.height else None
    return {
        "schema": SCHEMA,
        "case_count": result.case_count,
        "event_count": result.event_count,
        "activity_count": result.activity_count,
        "period": {"first": first.strftime("%Y-%m-%dT%H:%M:%S.%fZ") if first else None,
                   "last": last.strftime("%Y-%m-%dT%H:%M:%S.%fZ") if last else None},
        "activities": _rows(result.activities),
        "start_activities": _rows(result.start_activities),
        "end_activities": _rows(result.end_activities),
        "directly_follows": _rows(result.directly_follows),
        "variants": [{"activities": row[VARIANT], "count": row["count"], "mean_duration_s": row["mean_duration_s"]}
                     for row in result.variants.to_dicts()],
        "case_duration": _duration_summary(durations),
        "cases": _rows(durations),
        "breaks": _rows(result.breaks),
    }


def write_result_json(result: PathsResult, path: str | os.PathLike) -> None:
    """Write result_to_json to a UTF-8 file."""
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(result_to_json(result), handle, ensure_ascii=False, indent=1)
        handle.write("\n")
