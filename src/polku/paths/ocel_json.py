"""OCEL 2.0 JSON (the standard's objectTypes / eventTypes / objects / events document)."""

from __future__ import annotations

import json
import os
from pathlib import Path

from polku.paths.errors import EventLogError
from polku.paths.ocel import (
    EVENT_ID,
    EVENT_TYPE,
    EVENTS_SCHEMA,
    NAME,
    OBJECT_ID,
    OBJECT_TYPE,
    QUALIFIER,
    SOURCE_ID,
    TARGET_ID,
    TIME,
    VALUE,
    ObjectCentricLog,
    OcelBuilder,
    event_type_attributes,
    object_type_attributes,
    with_time_text,
)


def _items(container: dict, key: str, where: str) -> list:
    value = container.get(key) or []
    if not isinstance(value, list):
        raise EventLogError(f"{where}: {key!r} must be a list")
    return value


def read_ocel_json(path: str | os.PathLike) -> ObjectCentricLog:
    """Read an OCEL 2.0 JSON file (not yet checked for dangling references; read_ocel does that)."""
    source = Path(path).name
    try:
        with open(path, encoding="utf-8") as handle:
            document = json.load(handle)
    except UnicodeDecodeError as exc:
        raise EventLogError(f"{source}: not UTF-8 ({exc.reason} at byte {exc.start})") from None
    except json.JSONDecodeError as exc:
        raise EventLogError(f"{source}: not valid JSON ({exc.msg})", line=exc.lineno) from None
    if not isinstance(document, dict) or "events" not in document:
        raise EventLogError(f"{source}: not an OCEL 2.0 JSON document (no 'events')")
    builder = OcelBuilder(source=source)
    for scope, key in (("object", "objectTypes"), ("event", "eventTypes")):
        for declared in _items(document, key, source):
            for attribute in _items(declared, "attributes", f"{source}: {key}"):
                builder.declare(scope=scope, type_name=str(declared.get("name")),
                                attribute=str(attribute.get("name")), value_type=str(attribute.get("type")))
    for index, item in enumerate(_items(document, "objects", source)):
        where = f"{source}: object #{index}"
        builder.add_object(
            object_id=item.get("id"), object_type=item.get("type"),
            attributes=[(str(a.get("name")), a.get("time"), a.get("value")) for a in _items(item, "attributes", where)],
            links=[(r.get("objectId"), r.get("qualifier")) for r in _items(item, "relationships", where)])
    for index, item in enumerate(_items(document, "events", source)):
        where = f"{source}: event #{index}"
        builder.add_event(
            event_id=item.get("id"), event_type=item.get("type"), time=item.get("time"),
            attributes=[(str(a.get("name")), a.get("value")) for a in _items(item, "attributes", where)],
            relations=[(r.get("objectId"), r.get("qualifier")) for r in _items(item, "relationships", where)])
    return builder.build()


def ocel_document(log: ObjectCentricLog) -> dict:
    """The OCEL 2.0 JSON document of a log, as Python dicts and lists."""
    attributes = [c for c in log.events.columns if c not in EVENTS_SCHEMA]
    relations: dict[str, list[dict]] = {}
    for event_id, object_id, qualifier in log.event_objects.iter_rows():
        relations.setdefault(event_id, []).append({"objectId": object_id, "qualifier": qualifier})
    links: dict[str, list[dict]] = {}
    for source, target, qualifier in log.object_objects.select(SOURCE_ID, TARGET_ID, QUALIFIER).iter_rows():
        links.setdefault(source, []).append({"objectId": target, "qualifier": qualifier})
    values: dict[str, list[dict]] = {}
    texts = with_time_text(log.object_attributes)
    for object_id, name, time, value in texts.select(OBJECT_ID, NAME, TIME, VALUE).iter_rows():
        values.setdefault(object_id, []).append({"name": name, "time": time, "value": value})
    events = []
    for row in with_time_text(log.events).iter_rows(named=True):
        event = {"id": row[EVENT_ID], "type": row[EVENT_TYPE], "time": row[TIME],
                 "attributes": [{"name": a, "value": row[a]} for a in attributes if row[a] is not None],
                 "relationships": relations.get(row[EVENT_ID], [])}
        events.append(event)
    objects = [{"id": object_id, "type": object_type, "attributes": values.get(object_id, []),
                "relationships": links.get(object_id, [])}
               for object_id, object_type in log.objects.select(OBJECT_ID, OBJECT_TYPE).iter_rows()]
    return {
        "objectTypes": [{"name": name, "attributes": [{"name": a, "type": t} for a, t in found]}
                        for name, found in object_type_attributes(log).items()],
        "eventTypes": [{"name": name, "attributes": [{"name": a, "type": t} for a, t in found]}
                       for name, found in event_type_attributes(log).items()],
        "objects": objects,
        "events": events,
    }


def write_ocel_json(log: ObjectCentricLog, path: str | os.PathLike) -> None:
    """Write an OCEL 2.0 JSON file."""
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(ocel_document(log), handle, ensure_ascii=False, indent=1)
