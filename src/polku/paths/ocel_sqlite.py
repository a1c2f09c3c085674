"""OCEL 2.0 SQLite (event / object / event_object / object_object tables plus one table per type)."""

from __future__ import annotations

import os
import re
import sqlite3
from contextlib import closing
from pathlib import Path

import polars as pl

from polku.paths.errors import EventLogError
from polku.paths.ocel import (
    EVENT_ID,
    EVENT_TYPE,
    INITIAL_TIME,
    NAME,
    OBJECT_ID,
    OBJECT_TYPE,
    TIME,
    VALUE,
    ObjectCentricLog,
    OcelBuilder,
    event_type_attributes,
    object_type_attributes,
    with_time_text,
)

_SQL_TYPES = {"string": "TEXT", "integer": "INTEGER", "float": "REAL", "boolean": "BOOLEAN", "time": "TIMESTAMP"}
_FROM_SQL = (("INT", "integer"), ("REAL", "float"), ("FLOA", "float"), ("DOUB", "float"), ("BOOL", "boolean"),
             ("TIMESTAMP", "time"), ("DATE", "time"))
_INITIAL_TIMES = ("1970-01-01T00:00:00Z", "1970-01-01 00:00:00", "1970-01-01T00:00:00.000000Z")


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _type_maps(names: list[str]) -> dict[str, str]:
    """Table-name suffixes per type: letters and digits only, made unique."""
    maps: dict[str, str] = {}
    for name in names:
        base = re.sub(r"[^A-Za-z0-9]", "", name) or "type"
        candidate, n = base, 1
        while candidate in maps.values():
            n += 1
            candidate = f"{base}{n}"
        maps[name] = candidate
    return maps


def _ocel_type(declared: str) -> str:
    upper = (declared or "").upper()
    return next((kind for marker, kind in _FROM_SQL if marker in upper), "string")


def _table(connection: sqlite3.Connection, name: str) -> tuple[list[str], list[str], list[tuple]]:
    """Column names, declared types and rows of one table, in rowid order."""
    info = connection.execute(f"PRAGMA table_info({_quote(name)})").fetchall()  # noqa: S608 - quoted identifier
    if not info:
        raise EventLogError(f"table {name!r} is missing")
    rows = connection.execute(f"SELECT * FROM {_quote(name)}").fetchall()  # noqa: S608 - quoted identifier
    return [c[1] for c in info], [c[2] for c in info], rows


def read_ocel_sqlite(path: str | os.PathLike) -> ObjectCentricLog:
    """Read an OCEL 2.0 SQLite file (not yet checked for dangling references; read_ocel does that)."""
    source = Path(path).name
    if not Path(path).is_file():
        raise EventLogError(f"{source}: no such file")
    builder = OcelBuilder(source=source)
    try:
        with closing(sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True)) as connection:
            _read(connection, builder)
    except sqlite3.DatabaseError as exc:
        raise EventLogError(f"{source}: not an OCEL 2.0 SQLite database ({exc})") from None
    except EventLogError as exc:
        raise EventLogError(f"{source}: {exc}") from None
    return builder.build()


def _read(connection: sqlite3.Connection, builder: OcelBuilder) -> None:
    event_maps = dict(_table(connection, "event_map_type")[2])
    object_maps = dict(_table(connection, "object_map_type")[2])
    event_details: dict[str, tuple[object, list[tuple[str, object]]]] = {}
    for event_type, suffix in event_maps.items():
        names, types, rows = _table(connection, f"event_{suffix}")
        for name, declared in zip(names[2:], types[2:], strict=True):
            builder.declare(scope="event", type_name=event_type, attribute=name, value_type=_ocel_type(declared))
        for row in rows:
            event_details[str(row[0])] = (row[1], [(n, v) for n, v in zip(names[2:], row[2:], strict=True)
                                                   if v is not None])
    relations: dict[str, list[tuple[str, str]]] = {}
    for event_id, object_id, qualifier in _table(connection, "event_object")[2]:
        relations.setdefault(str(event_id), []).append((str(object_id), qualifier))
    links: dict[str, list[tuple[str, str]]] = {}
    for source_id, target_id, qualifier in _table(connection, "object_object")[2]:
        links.setdefault(str(source_id), []).append((str(target_id), qualifier))
    object_values: dict[str, list[tuple[str, str | None, object]]] = {}
    for object_type, suffix in object_maps.items():
        names, types, rows = _table(connection, f"object_{suffix}")
        fixed = {"ocel_id", "ocel_time", "ocel_changed_field"}
        for name, declared in zip(names, types, strict=True):
            if name not in fixed:
                builder.declare(scope="object", type_name=object_type, attribute=name, value_type=_ocel_type(declared))
        for row in rows:
            record = dict(zip(names, row, strict=True))
            changed, time = record.get("ocel_changed_field"), record.get("ocel_time")
            time_value = None if time is None or str(time) in _INITIAL_TIMES else str(time)
            values = object_values.setdefault(str(record["ocel_id"]), [])
            for name in names:
                if name in fixed or record[name] is None or (changed is not None and name != changed):
                    continue
                values.append((name, time_value, record[name]))
    for object_id, object_type in _table(connection, "object")[2]:
        builder.add_object(object_id=object_id, object_type=object_type,
                           attributes=object_values.get(str(object_id), []), links=links.get(str(object_id), []))
    for event_id, event_type in _table(connection, "event")[2]:
        time, values = event_details.get(str(event_id), (None, []))
        builder.add_event(event_id=event_id, event_type=event_type, time=time, attributes=values,
                          relations=relations.get(str(event_id), []))


def write_ocel_sqlite(log: ObjectCentricLog, path: str | os.PathLike) -> None:
    """Write an OCEL 2.0 SQLite file (an existing file at `path` is replaced)."""
    Path(path).unlink(missing_ok=True)
    events = with_time_text(log.events)
    event_attributes = event_type_attributes(log)
    object_attributes = object_type_attributes(log)
    event_maps = _type_maps(list(event_attributes))
    object_maps = _type_maps(list(object_attributes))
    with closing(sqlite3.connect(path)) as connection, connection:
        connection.execute("CREATE TABLE event (ocel_id TEXT PRIMARY KEY, ocel_type TEXT)")
        connection.execute("CREATE TABLE object (ocel_id TEXT PRIMARY KEY, ocel_type TEXT)")
        connection.execute("CREATE TABLE event_object (ocel_event_id TEXT, ocel_object_id TEXT, ocel_qualifier TEXT)")
        connection.execute("CREATE TABLE object_object (ocel_source_id TEXT, ocel_target_id TEXT, ocel_qualifier TEXT)")
        connection.execute("CREATE TABLE event_map_type (ocel_type TEXT, ocel_type_map TEXT)")
        connection.execute("CREATE TABLE object_map_type (ocel_type TEXT, ocel_type_map TEXT)")
        connection.executemany("INSERT INTO event VALUES (?, ?)", events.select(EVENT_ID, EVENT_TYPE).iter_rows())
        connection.executemany("INSERT INTO object VALUES (?, ?)",
                               log.objects.select(OBJECT_ID, OBJECT_TYPE).iter_rows())
        connection.executemany("INSERT INTO event_object VALUES (?, ?, ?)", log.event_objects.iter_rows())
        connection.executemany("INSERT INTO object_object VALUES (?, ?, ?)", log.object_objects.iter_rows())
        connection.executemany("INSERT INTO event_map_type VALUES (?, ?)", event_maps.items())
        connection.executemany("INSERT INTO object_map_type VALUES (?, ?)", object_maps.items())
        for event_type, attributes in event_attributes.items():
            table = _quote(f"event_{event_maps[event_type]}")
            columns = ", ".join(["ocel_id TEXT PRIMARY KEY", "ocel_time TIMESTAMP",
                                 *[f"{_quote(a)} {_SQL_TYPES[t]}" for a, t in attributes]])
            connection.execute(f"CREATE TABLE {table} ({columns})")
            rows = events.filter(pl.col(EVENT_TYPE) == event_type).select(EVENT_ID, TIME, *[a for a, _ in attributes])
            marks = ", ".join("?" * rows.width)
            connection.executemany(f"INSERT INTO {table} VALUES ({marks})", rows.iter_rows())  # noqa: S608
        values = with_time_text(log.object_attributes)
        for object_type, attributes in object_attributes.items():
            table = _quote(f"object_{object_maps[object_type]}")
            names = [a for a, _ in attributes]
            columns = ", ".join(["ocel_id TEXT", "ocel_time TIMESTAMP", "ocel_changed_field TEXT",
                                 *[f"{_quote(a)} {_SQL_TYPES.get(t, 'TEXT')}" for a, t in attributes]])
            connection.execute(f"CREATE TABLE {table} ({columns})")
            ids = log.objects.filter(pl.col(OBJECT_TYPE) == object_type)[OBJECT_ID].to_list()
            mine = values.filter(pl.col(OBJECT_ID).is_in(ids))
            initial: dict[str, dict[str, str]] = {object_id: {} for object_id in ids}
            rows = []
            for object_id, name, time, value in mine.select(OBJECT_ID, NAME, TIME, VALUE).iter_rows():
                if time.startswith("1970-01-01T00:00:00"):
                    initial[object_id][name] = value
                else:
                    rows.append([object_id, time, name, *[value if n == name else None for n in names]])
            rows = [[object_id, INITIAL_TIME, None, *[found.get(n) for n in names]]
                    for object_id, found in initial.items()] + rows
            marks = ", ".join("?" * (3 + len(names)))
            connection.executemany(f"INSERT INTO {table} VALUES ({marks})", rows)  # noqa: S608
