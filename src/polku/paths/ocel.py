"""OCEL 2.0 object-centric logs: the model, checks, conversion from and to event tables, and file dispatch.

An object-centric log has events (id, type, time, attributes) related to any number of objects (clients,
referrals, services, meetings), objects related to objects, and object attributes that change over time.
Files: OCEL 2.0 JSON (`ocel_json`), XML (`ocel_xml`) and SQLite (`ocel_sqlite`).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from polku.paths.columns import ACTIVITY, CASE, TIME_TYPE, TIMESTAMP
from polku.paths.errors import EventLogError
from polku.paths.timestamps import to_utc

EVENT_ID = "event_id"
EVENT_TYPE = "event_type"
TIME = "time"
OBJECT_ID = "object_id"
OBJECT_TYPE = "object_type"
QUALIFIER = "qualifier"
SOURCE_ID = "source_id"
TARGET_ID = "target_id"
NAME = "name"
VALUE = "value"
VALUE_TYPE = "type"
# OCEL 2.0 attribute types and the polars types they become.
OCEL_TYPES = {"string": pl.String, "integer": pl.Int64, "float": pl.Float64, "boolean": pl.Boolean,
              "time": TIME_TYPE}
# Object attribute values in the OCEL 2.0 files that are not changes carry this time.
INITIAL_TIME = "1970-01-01T00:00:00Z"

EVENTS_SCHEMA = {EVENT_ID: pl.String, EVENT_TYPE: pl.String, TIME: TIME_TYPE}
OBJECTS_SCHEMA = {OBJECT_ID: pl.String, OBJECT_TYPE: pl.String}
EVENT_OBJECTS_SCHEMA = {EVENT_ID: pl.String, OBJECT_ID: pl.String, QUALIFIER: pl.String}
OBJECT_OBJECTS_SCHEMA = {SOURCE_ID: pl.String, TARGET_ID: pl.String, QUALIFIER: pl.String}
OBJECT_ATTRIBUTES_SCHEMA = {OBJECT_ID: pl.String, NAME: pl.String, TIME: TIME_TYPE, VALUE: pl.String,
                            VALUE_TYPE: pl.String}


@dataclass(frozen=True)
class ObjectCentricLog:
    """An OCEL 2.0 log as five frames (column names are the constants of this module)."""

    events: pl.DataFrame  # event_id, event_type, time, then one column per event attribute
    objects: pl.DataFrame  # object_id, object_type
    event_objects: pl.DataFrame  # event_id, object_id, qualifier
    object_objects: pl.DataFrame  # source_id, target_id, qualifier
    object_attributes: pl.DataFrame  # object_id, name, time, value (text), type (OCEL type name)


@dataclass(frozen=True)
class ObjectColumn:
    """A column of an event table that names an object of `object_type` (e.g. client_id → "client")."""

    column: str
    object_type: str
    qualifier: str = ""


def ocel_type_of(dtype: pl.DataType) -> str:
    """The OCEL 2.0 attribute type name for a polars type."""
    if isinstance(dtype, pl.Datetime | pl.Date):
        return "time"
    if dtype.is_integer():
        return "integer"
    if dtype.is_float():
        return "float"
    if dtype == pl.Boolean:
        return "boolean"
    return "string"


def checked(log: ObjectCentricLog) -> ObjectCentricLog:
    """The log itself after checking ids and references; EventLogError names the first broken one."""
    for frame, column, what in ((log.events, EVENT_ID, "event"), (log.objects, OBJECT_ID, "object")):
        if frame[column].null_count():
            raise EventLogError(f"an {what} without id", row=int(frame[column].is_null().arg_max()))
        duplicated = frame[column].is_duplicated()
        if duplicated.any():
            raise EventLogError(f"{what} id {frame[column][int(duplicated.arg_max())]!r} is used twice")
    for column in (EVENT_TYPE, TIME):
        missing = log.events[column].is_null()
        if missing.any():
            raise EventLogError(f"event {log.events[EVENT_ID][int(missing.arg_max())]!r} has no {column}")
    known = log.objects[OBJECT_ID]
    references = (
        (log.event_objects, OBJECT_ID, EVENT_ID, "event"),
        (log.object_objects, TARGET_ID, SOURCE_ID, "object"),
        (log.object_objects, SOURCE_ID, SOURCE_ID, "object"),
        (log.object_attributes, OBJECT_ID, OBJECT_ID, "attribute value of object"),
    )
    for frame, column, owner, what in references:
        unknown = ~frame[column].is_in(known.implode())
        if unknown.any():
            row = int(unknown.arg_max())
            raise EventLogError(f"{what} {frame[owner][row]!r} refers to unknown object {frame[column][row]!r}")
    unknown_events = ~log.event_objects[EVENT_ID].is_in(log.events[EVENT_ID].implode())
    if unknown_events.any():
        raise EventLogError(f"relation to unknown event {log.event_objects[EVENT_ID][int(unknown_events.arg_max())]!r}")
    return log


def events_to_ocel(frame: pl.DataFrame, *, objects: Sequence[ObjectColumn], activity: str = ACTIVITY,
                   timestamp: str = TIMESTAMP, event_id: str | None = None) -> ObjectCentricLog:
    """An object-centric log from an event table whose `objects` columns name clients, referrals, services...

    Object ids are "<object type>:<value>" because OCEL ids are global and our tables number each kind
    from 1. Event ids come from `event_id` or are e1, e2, ... in table order. Every other column becomes an
    event attribute; null object cells relate the event to nothing of that type.
    """
    needed = [activity, timestamp, *[o.column for o in objects], *([event_id] if event_id else [])]
    missing = [c for c in needed if c not in frame.columns]
    if missing:
        raise EventLogError(f"missing column(s) {', '.join(map(repr, missing))}")
    for name, what in ((activity, "activity"), (timestamp, "timestamp")):
        nulls = frame[name].is_null()
        if nulls.any():
            raise EventLogError(f"event without {what} (column {name!r})", row=int(nulls.arg_max()))
    times, bad = to_utc(frame[timestamp])
    if bad is not None:
        raise EventLogError(f"column {timestamp!r}: {bad.reason}", row=bad.index)
    ids = (frame[event_id].cast(pl.String) if event_id
           else pl.Series([f"e{i}" for i in range(1, frame.height + 1)], dtype=pl.String))
    skip = {activity, timestamp, *(o.column for o in objects), *([event_id] if event_id else [])}
    events = pl.DataFrame({EVENT_ID: ids, EVENT_TYPE: frame[activity].cast(pl.String),
                           TIME: times}).with_columns(
        [frame[c] for c in frame.columns if c not in skip])
    relations = pl.concat([
        pl.DataFrame({EVENT_ID: ids, OBJECT_ID: frame[o.column].cast(pl.String)})
        .with_row_index("__row")
        .filter(pl.col(OBJECT_ID).is_not_null())
        .select("__row", pl.lit(order).alias("__order"), EVENT_ID,
                (pl.lit(f"{o.object_type}:") + pl.col(OBJECT_ID)).alias(OBJECT_ID),
                pl.lit(o.qualifier).alias(QUALIFIER), pl.lit(o.object_type).alias(OBJECT_TYPE))
        for order, o in enumerate(objects)
    ] or [pl.DataFrame(schema={"__row": pl.UInt32, "__order": pl.Int32, **EVENT_OBJECTS_SCHEMA,
                               OBJECT_TYPE: pl.String})])
    # Relations are listed event by event, as the OCEL files group them, so that a round trip is exact.
    relations = relations.sort("__row", "__order")
    found = relations.select(OBJECT_ID, OBJECT_TYPE).unique(subset=OBJECT_ID, keep="first", maintain_order=True)
    return checked(ObjectCentricLog(
        events=events, objects=found, event_objects=relations.select(EVENT_OBJECTS_SCHEMA.keys()),
        object_objects=pl.DataFrame(schema=OBJECT_OBJECTS_SCHEMA),
        object_attributes=pl.DataFrame(schema=OBJECT_ATTRIBUTES_SCHEMA)))


def ocel_to_events(log: ObjectCentricLog, *, object_type: str) -> pl.DataFrame:
    """Flatten on one object type: each event once per related object of that type, the object as case.

    Events keep the log's order (which breaks ties between equal times); event attributes become columns.
    """
    types = log.objects[OBJECT_TYPE].unique().sort().to_list()
    if object_type not in types:
        raise EventLogError(f"no objects of type {object_type!r}; the log has {', '.join(map(repr, types)) or 'none'}")
    related = (
        log.event_objects.lazy()
        .join(log.objects.lazy().filter(pl.col(OBJECT_TYPE) == object_type), on=OBJECT_ID, how="inner")
        .select(EVENT_ID, OBJECT_ID)
        .unique(maintain_order=True)
    )
    return (
        log.events.lazy().with_row_index("__order")
        .join(related, on=EVENT_ID, how="inner")
        .sort("__order", maintain_order=True)
        .select(pl.col(OBJECT_ID).alias(CASE), pl.col(EVENT_TYPE).alias(ACTIVITY), pl.col(TIME).alias(TIMESTAMP),
                pl.exclude(OBJECT_ID, EVENT_TYPE, TIME, "__order"))
        .collect()
    )


def _format(path: str | os.PathLike) -> str:
    name = Path(path).name.lower()
    for suffixes, kind in (((".json", ".jsonocel"), "json"), ((".xml", ".xmlocel"), "xml"),
                           ((".sqlite", ".sqlite3", ".db"), "sqlite")):
        if name.endswith(suffixes):
            return kind
    raise EventLogError(f"{Path(path).name}: not an OCEL 2.0 file name (.json, .jsonocel, .xml, .xmlocel, .sqlite)")


def read_ocel(path: str | os.PathLike) -> ObjectCentricLog:
    """Read an OCEL 2.0 log (JSON, XML or SQLite by file name); EventLogError for broken or dangling data."""
    kind = _format(path)
    if kind == "json":
        from polku.paths.ocel_json import read_ocel_json as reader
    elif kind == "xml":
        from polku.paths.ocel_xml import read_ocel_xml as reader
    else:
        from polku.paths.ocel_sqlite import read_ocel_sqlite as reader
    return checked(reader(path))


def write_ocel(log: ObjectCentricLog, path: str | os.PathLike) -> None:
    """Write an OCEL 2.0 log as JSON, XML or SQLite, chosen by the file name."""
    kind = _format(path)
    if kind == "json":
        from polku.paths.ocel_json import write_ocel_json as writer
    elif kind == "xml":
        from polku.paths.ocel_xml import write_ocel_xml as writer
    else:
        from polku.paths.ocel_sqlite import write_ocel_sqlite as writer
    writer(checked(log), path)


_XES_KIND = {"string": "string", "integer": "int", "float": "float", "boolean": "boolean", "time": "date"}


def as_text(value: object) -> str | None:
    """A JSON/SQLite attribute value as the text the typed columns are parsed from."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


class OcelBuilder:
    """Collects one OCEL file's records (any format) and builds the checked, typed frames at the end."""

    def __init__(self, *, source: str) -> None:
        self.source = source
        self.event_columns: dict[str, list] = {EVENT_ID: [], EVENT_TYPE: [], TIME: []}
        self.attributes: dict[str, list[str | None]] = {}
        self.attribute_types: dict[str, str] = {}
        self.relations: list[tuple[str, str, str]] = []
        self.objects: list[tuple[str, str]] = []
        self.links: list[tuple[str, str, str]] = []
        self.object_values: list[tuple[str, str, str, str | None, str]] = []
        self.declared: dict[tuple[str, str, str], str] = {}  # (scope, type, attribute) -> OCEL type

    def declare(self, *, scope: str, type_name: str, attribute: str, value_type: str) -> None:
        """Record an attribute type from objectTypes/eventTypes (unknown type names are read as text)."""
        self.declared[(scope, type_name, attribute)] = value_type if value_type in OCEL_TYPES else "string"

    def add_event(self, *, event_id: str | None, event_type: str | None, time: str | None,
                  attributes: Sequence[tuple[str, object]], relations: Sequence[tuple[str, str]]) -> None:
        """One event with its attribute values and (object id, qualifier) relations."""
        row = len(self.event_columns[EVENT_ID])
        for column, value in ((EVENT_ID, event_id), (EVENT_TYPE, event_type), (TIME, time)):
            self.event_columns[column].append(as_text(value))
        for name, value in attributes:
            column = self.attributes.setdefault(name, [None] * row)
            column.extend([None] * (row - len(column)))
            column.append(as_text(value))
            value_type = self.declared.get(("event", str(event_type), name), "string")
            if self.attribute_types.setdefault(name, value_type) != value_type:
                self.attribute_types[name] = "string"
        for column in self.attributes.values():
            column.extend([None] * (row + 1 - len(column)))
        self.relations.extend((str(event_id), str(object_id), qualifier or "") for object_id, qualifier in relations)

    def add_object(self, *, object_id: str | None, object_type: str | None,
                   attributes: Sequence[tuple[str, str | None, object]], links: Sequence[tuple[str, str]]) -> None:
        """One object with its (name, time, value) attribute values and (object id, qualifier) links."""
        self.objects.append((as_text(object_id), as_text(object_type)))
        for name, time, value in attributes:
            value_type = self.declared.get(("object", str(object_type), name), "string")
            self.object_values.append((str(object_id), name, time or INITIAL_TIME, as_text(value), value_type))
        self.links.extend((str(object_id), str(target), qualifier or "") for target, qualifier in links)

    def _times(self, texts: list, what: str, owners: list) -> pl.Series:
        from polku.paths.timestamps import parse_timestamps

        parsed, bad = parse_timestamps(pl.Series(texts, dtype=pl.String))
        if bad is not None:
            raise EventLogError(f"{self.source}: {what} {owners[bad.index]!r}: {bad.reason}")
        return parsed

    def build(self) -> ObjectCentricLog:
        """The typed frames; EventLogError names the event or object whose value cannot be read."""
        from polku.paths.xes import _convert

        ids = self.event_columns[EVENT_ID]
        events = pl.DataFrame({EVENT_ID: pl.Series(ids, dtype=pl.String),
                               EVENT_TYPE: pl.Series(self.event_columns[EVENT_TYPE], dtype=pl.String),
                               TIME: self._times(self.event_columns[TIME], "event", ids)})
        typed = []
        for name, values in self.attributes.items():
            column, bad = _convert(pl.Series(name, values, dtype=pl.String), _XES_KIND[self.attribute_types[name]])
            if bad is not None:
                raise EventLogError(f"{self.source}: event {ids[bad[0]]!r}, attribute {name!r}: {bad[1]}")
            typed.append(column)
        events = events.with_columns(typed)
        values = list(zip(*self.object_values, strict=True)) or [[], [], [], [], []]
        object_attributes = pl.DataFrame({
            OBJECT_ID: pl.Series(values[0], dtype=pl.String), NAME: pl.Series(values[1], dtype=pl.String),
            TIME: self._times(list(values[2]), "object", list(values[0])),
            VALUE: pl.Series(values[3], dtype=pl.String), VALUE_TYPE: pl.Series(values[4], dtype=pl.String)})
        return ObjectCentricLog(
            events=events,
            objects=pl.DataFrame(self.objects, schema=OBJECTS_SCHEMA, orient="row"),
            event_objects=pl.DataFrame(self.relations, schema=EVENT_OBJECTS_SCHEMA, orient="row"),
            object_objects=pl.DataFrame(self.links, schema=OBJECT_OBJECTS_SCHEMA, orient="row"),
            object_attributes=object_attributes,
        )


def time_text(column: pl.Expr) -> pl.Expr:
    """UTC timestamps as the ISO 8601 text written into OCEL files."""
    return column.dt.convert_time_zone("UTC").dt.to_string("%Y-%m-%dT%H:%M:%S%.6fZ")


def with_time_text(frame: pl.DataFrame) -> pl.DataFrame:
    """Timestamps as OCEL text, everything else as it is (numbers and booleans stay typed)."""
    return frame.with_columns([time_text(pl.col(c)) for c, t in frame.schema.items() if isinstance(t, pl.Datetime)])


def event_type_attributes(log: ObjectCentricLog) -> dict[str, list[tuple[str, str]]]:
    """Per event type, the attributes its events carry (non-null somewhere) with their OCEL types."""
    attributes = [c for c in log.events.columns if c not in EVENTS_SCHEMA]
    present = (log.events.group_by(EVENT_TYPE, maintain_order=True)
               .agg([pl.col(c).is_not_null().any() for c in attributes]))
    return {row[EVENT_TYPE]: [(c, ocel_type_of(log.events.schema[c])) for c in attributes if row[c]]
            for row in present.iter_rows(named=True)}


def object_type_attributes(log: ObjectCentricLog) -> dict[str, list[tuple[str, str]]]:
    """Per object type, its attribute names with their OCEL types, in first-seen order."""
    found: dict[str, list[tuple[str, str]]] = {t: [] for t in log.objects[OBJECT_TYPE].unique(maintain_order=True)}
    pairs = (log.object_attributes.join(log.objects, on=OBJECT_ID, how="inner")
             .select(OBJECT_TYPE, NAME, VALUE_TYPE).unique(maintain_order=True))
    for object_type, name, value_type in pairs.iter_rows():
        if name not in [n for n, _ in found[object_type]]:
            found[object_type].append((name, value_type))
    return found
