"""OCEL 2.0 XML (<log> with object-types, event-types, objects and events)."""

from __future__ import annotations

import os
import xml.etree.ElementTree as ElementTree  # noqa: S405 - files the user chose; no entity expansion in expat
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
    as_text,
    event_type_attributes,
    object_type_attributes,
    with_time_text,
)


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _children(element, name: str) -> list:
    return [child for child in element if _local(child.tag) == name]


def _relations(element) -> list[tuple[str | None, str | None]]:
    return [(r.get("object-id"), r.get("qualifier")) for group in _children(element, "objects")
            for r in _children(group, "relationship")]


def read_ocel_xml(path: str | os.PathLike) -> ObjectCentricLog:
    """Read an OCEL 2.0 XML file (not yet checked for dangling references; read_ocel does that)."""
    source = Path(path).name
    try:
        root = ElementTree.parse(path).getroot()  # noqa: S314 - see the import
    except ElementTree.ParseError as exc:
        raise EventLogError(f"{source}: not well-formed XML ({exc})", line=exc.position[0]) from None
    except OSError as exc:
        raise EventLogError(f"{source}: cannot read the file ({exc.strerror or exc})") from None
    builder = OcelBuilder(source=source)
    for scope, group, single in (("object", "object-types", "object-type"), ("event", "event-types", "event-type")):
        for container in _children(root, group):
            for declared in _children(container, single):
                for attribute in [a for g in _children(declared, "attributes") for a in _children(g, "attribute")]:
                    builder.declare(scope=scope, type_name=str(declared.get("name")),
                                    attribute=str(attribute.get("name")), value_type=str(attribute.get("type")))
    for container in _children(root, "objects"):
        for item in _children(container, "object"):
            values = [(str(a.get("name")), a.get("time"), a.text or "")
                      for g in _children(item, "attributes") for a in _children(g, "attribute")]
            builder.add_object(object_id=item.get("id"), object_type=item.get("type"), attributes=values,
                               links=_relations(item))
    for container in _children(root, "events"):
        for item in _children(container, "event"):
            values = [(str(a.get("name")), a.text or "")
                      for g in _children(item, "attributes") for a in _children(g, "attribute")]
            builder.add_event(event_id=item.get("id"), event_type=item.get("type"), time=item.get("time"),
                              attributes=values, relations=_relations(item))
    return builder.build()


def write_ocel_xml(log: ObjectCentricLog, path: str | os.PathLike) -> None:
    """Write an OCEL 2.0 XML file."""
    root = ElementTree.Element("log")
    for group, single, found in (("object-types", "object-type", object_type_attributes(log)),
                                 ("event-types", "event-type", event_type_attributes(log))):
        container = ElementTree.SubElement(root, group)
        for name, attributes in found.items():
            declared = ElementTree.SubElement(container, single, name=name)
            listed = ElementTree.SubElement(declared, "attributes")
            for attribute, value_type in attributes:
                ElementTree.SubElement(listed, "attribute", name=attribute, type=value_type)
    values: dict[str, list[tuple[str, str, str]]] = {}
    texts = with_time_text(log.object_attributes)
    for object_id, name, time, value in texts.select(OBJECT_ID, NAME, TIME, VALUE).iter_rows():
        values.setdefault(object_id, []).append((name, time, value))
    links: dict[str, list[tuple[str, str]]] = {}
    for source, target, qualifier in log.object_objects.select(SOURCE_ID, TARGET_ID, QUALIFIER).iter_rows():
        links.setdefault(source, []).append((target, qualifier))
    objects = ElementTree.SubElement(root, "objects")
    for object_id, object_type in log.objects.select(OBJECT_ID, OBJECT_TYPE).iter_rows():
        item = ElementTree.SubElement(objects, "object", id=object_id, type=object_type)
        listed = ElementTree.SubElement(item, "attributes")
        for name, time, value in values.get(object_id, []):
            ElementTree.SubElement(listed, "attribute", name=name, time=time).text = value or ""
        related = ElementTree.SubElement(item, "objects")
        for target, qualifier in links.get(object_id, []):
            ElementTree.SubElement(related, "relationship", {"object-id": target, "qualifier": qualifier})
    relations: dict[str, list[tuple[str, str]]] = {}
    for event_id, object_id, qualifier in log.event_objects.iter_rows():
        relations.setdefault(event_id, []).append((object_id, qualifier))
    attributes = [c for c in log.events.columns if c not in EVENTS_SCHEMA]
    events = ElementTree.SubElement(root, "events")
    for row in with_time_text(log.events).iter_rows(named=True):
        item = ElementTree.SubElement(events, "event", id=row[EVENT_ID], type=row[EVENT_TYPE], time=row[TIME])
        listed = ElementTree.SubElement(item, "attributes")
        for attribute in attributes:
            if row[attribute] is not None:
                ElementTree.SubElement(listed, "attribute", name=attribute).text = as_text(row[attribute])
        related = ElementTree.SubElement(item, "objects")
        for object_id, qualifier in relations.get(row[EVENT_ID], []):
            ElementTree.SubElement(related, "relationship", {"object-id": object_id, "qualifier": qualifier})
    ElementTree.indent(root, space=" ")
    ElementTree.ElementTree(root).write(path, encoding="utf-8", xml_declaration=True)
