"""Path events of a report's clients into the paths engine, fast enough for a million events.

The events go from the database straight into a polars frame (PostgreSQL: COPY of the query as CSV; elsewhere
column lists), with activity codes turned into labels once per distinct code rather than once per event. The map
is drawn with the engine's own SVG renderer and thinned with the referrals process map's small-number rule, so
that the report and the process-map page agree.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import polars as pl
from django.db import connection
from django.db.models import F, Func, IntegerField, QuerySet

from polku import paths
from polku.paths.columns import ACTIVITY, CASE, TIMESTAMP
from polku.paths.html_report import process_map_svg
from polku.referrals.events import activity_label
from polku.referrals.process_map import BREAK_ACTIVITIES, SMALL_NUMBER
from polku.referrals.process_map import _visible as visible_part

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MICROSECOND = timedelta(microseconds=1)
TOP_VARIANTS = 10


@dataclass(frozen=True)
class PathSummary:
    cases: int
    events: int
    svg: str
    variants: list[tuple[list[str], int, float]]  # activities, cases, mean duration (s); only those seen ≥ 5 times
    transitions: int


SCHEMA = {"client": pl.Int64, ACTIVITY: pl.String, "us": pl.Int64, "id": pl.Int64}


def _frame_postgresql(events: QuerySet) -> pl.DataFrame:
    micros = Func(F("at"), template="(EXTRACT(EPOCH FROM %(expressions)s) * 1000000)::bigint",
                  output_field=IntegerField())
    sql, params = events.annotate(us=micros).values_list("client_id", "activity", "us", "id").query \
        .sql_with_params()
    buffer = io.BytesIO()
    with connection.cursor() as cursor, cursor.cursor.copy(f"COPY ({sql}) TO STDOUT WITH (FORMAT csv)",
                                                           params) as copy:
        for block in copy:
            buffer.write(block)
    if buffer.tell() == 0:
        return pl.DataFrame(schema=SCHEMA)
    buffer.seek(0)
    return pl.read_csv(buffer, has_header=False, new_columns=list(SCHEMA), schema_overrides=SCHEMA)


def _frame_generic(events: QuerySet) -> pl.DataFrame:
    rows = list(events.values_list("client_id", "activity", "at", "id"))
    return pl.DataFrame({"client": [r[0] for r in rows], ACTIVITY: [r[1] for r in rows],
                         "us": [(r[2] - EPOCH) // MICROSECOND for r in rows], "id": [r[3] for r in rows]},
                        schema=SCHEMA)


def event_frame(events: QuerySet) -> pl.DataFrame:
    """(case, activity label, UTC timestamp) in path order (client, time, id), ready for `paths.analyze`."""
    # Sorted here rather than by the database: polars sorts a million rows on all cores in a fraction of what
    # an ORDER BY over the join costs. The id breaks ties of equal times in insertion order.
    events = events.order_by()
    frame = _frame_postgresql(events) if connection.vendor == "postgresql" else _frame_generic(events)
    labels = {code: activity_label(code) for code in frame[ACTIVITY].unique().to_list()}
    return frame.sort("client", "us", "id").select(
        pl.col("client").cast(pl.String).alias(CASE), pl.col(ACTIVITY).replace(labels),
        pl.from_epoch(pl.col("us"), time_unit="us").dt.replace_time_zone("UTC").alias(TIMESTAMP))


def summarise_paths(events: QuerySet) -> PathSummary:
    """The process map (activities and transitions seen fewer than five times left off) and the top variants."""
    frame = event_frame(events)
    if frame.is_empty():
        return PathSummary(cases=0, events=0, svg="", variants=[], transitions=0)
    result = paths.analyze(frame)
    shown = visible_part(result)
    # process_map_svg escapes every label it writes.
    svg = process_map_svg(shown, highlight={activity_label(code) for code in BREAK_ACTIVITIES})
    variants = [(row["variant"], row["count"], row["mean_duration_s"])
                for row in result.variants.head(TOP_VARIANTS).to_dicts() if row["count"] >= SMALL_NUMBER]
    return PathSummary(cases=result.case_count, events=result.event_count, svg=svg, variants=variants,
                       transitions=shown.directly_follows.height)
