"""OCEL 2.0: from event tables with object columns, JSON/XML/SQLite round trips, pm4py interop, bad files."""

from __future__ import annotations

import json
import sqlite3
import warnings
from datetime import UTC, datetime, timedelta

import pm4py
import polars as pl
import pytest

from polku import paths
from polku.paths.errors import EventLogError

T0 = datetime(2024, 2, 1, 9, tzinfo=UTC)
REFERRALS = pl.DataFrame({
    "client_id": [1, 1, 1, 2, 2, 1],
    "referral_id": [10, 10, None, 11, 11, None],
    "service_id": [None, 5, 5, None, 6, 5],
    "meeting_id": [None, None, 100, None, None, 101],
    "concept:name": ["referral sent", "referral accepted", "meeting held", "referral sent", "referral accepted",
                     "meeting held"],
    "time:timestamp": [T0, T0 + timedelta(days=2), T0 + timedelta(days=9), T0, T0 + timedelta(days=1),
                       T0 + timedelta(days=9)],
    "minutes": [None, None, 60, None, None, 45],
    "interpreter": [None, None, True, None, None, False],
})
OBJECTS = [paths.ObjectColumn("client_id", "client"), paths.ObjectColumn("referral_id", "referral"),
           paths.ObjectColumn("service_id", "service", qualifier="provided by"),
           paths.ObjectColumn("meeting_id", "meeting")]


@pytest.fixture
def referrals_log() -> paths.ObjectCentricLog:
    return paths.events_to_ocel(REFERRALS, objects=OBJECTS)


def test_event_table_with_object_columns_becomes_events_objects_and_relations(referrals_log):
    assert referrals_log.events.columns == ["event_id", "event_type", "time", "minutes", "interpreter"]
    assert referrals_log.events["event_id"].to_list() == ["e1", "e2", "e3", "e4", "e5", "e6"]
    types = dict(referrals_log.objects.group_by("object_type").len().rows())
    assert types == {"client": 2, "referral": 2, "service": 2, "meeting": 2}
    e3 = referrals_log.event_objects.filter(pl.col("event_id") == "e3").rows()
    assert e3 == [("e3", "client:1", ""), ("e3", "service:5", "provided by"), ("e3", "meeting:100", "")]


@pytest.mark.parametrize("name", ["log.json", "log.jsonocel", "log.xml", "log.sqlite"])
def test_each_ocel_format_reads_back_exactly_what_was_written(referrals_log, tmp_path, name):
    paths.write_ocel(referrals_log, tmp_path / name)
    back = paths.read_ocel(tmp_path / name)
    for field in ("events", "objects", "event_objects", "object_objects", "object_attributes"):
        assert getattr(back, field).equals(getattr(referrals_log, field)), field


@pytest.mark.parametrize(("name", "reader"), [("log.json", "read_ocel2_json"), ("log.xml", "read_ocel2_xml"),
                                              ("log.sqlite", "read_ocel2_sqlite")])
def test_pm4py_reads_our_ocel_files_with_the_same_events_and_relations(referrals_log, tmp_path, name, reader):
    paths.write_ocel(referrals_log, tmp_path / name)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = getattr(pm4py, reader)(str(tmp_path / name))
    assert sorted(theirs.events["ocel:eid"]) == sorted(referrals_log.events["event_id"].to_list())
    assert sorted(zip(theirs.relations["ocel:eid"], theirs.relations["ocel:oid"], strict=True)) == sorted(
        referrals_log.event_objects.select("event_id", "object_id").rows())
    assert dict(zip(theirs.events["ocel:eid"], theirs.events["ocel:activity"], strict=True)) == dict(
        referrals_log.events.select("event_id", "event_type").rows())


def test_ocel_written_by_pm4py_reads_with_object_attributes_and_links(tmp_path):
    document = {
        "objectTypes": [{"name": "client", "attributes": [{"name": "language", "type": "string"}]},
                        {"name": "referral", "attributes": []}],
        "eventTypes": [{"name": "referral sent", "attributes": [{"name": "urgent", "type": "boolean"}]}],
        "objects": [{"id": "c1", "type": "client",
                     "attributes": [{"name": "language", "time": "1970-01-01T00:00:00Z", "value": "ar"},
                                    {"name": "language", "time": "2024-03-01T00:00:00Z", "value": "fi"}],
                     "relationships": [{"objectId": "r1", "qualifier": "referred"}]},
                    {"id": "r1", "type": "referral"}],
        "events": [{"id": "e1", "type": "referral sent", "time": "2024-02-01T09:00:00+02:00",
                    "attributes": [{"name": "urgent", "value": True}],
                    "relationships": [{"objectId": "c1", "qualifier": ""}, {"objectId": "r1", "qualifier": ""}]}],
    }
    (tmp_path / "ours.json").write_text(json.dumps(document))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        pm4py.write_ocel2_json(pm4py.read_ocel2_json(str(tmp_path / "ours.json")), str(tmp_path / "theirs.json"))
        pm4py.write_ocel2_sqlite(pm4py.read_ocel2_json(str(tmp_path / "ours.json")), str(tmp_path / "theirs.sqlite"))
    for name in ("ours.json", "theirs.json", "theirs.sqlite"):
        log = paths.read_ocel(tmp_path / name)
        assert log.events.select("event_id", "event_type", "time").rows() == [
            ("e1", "referral sent", datetime(2024, 2, 1, 7, tzinfo=UTC))], name
        # We follow each file's declared type: pm4py declares the boolean a string in JSON and stores it as
        # an INTEGER column in SQLite.
        assert log.events["urgent"].to_list() == {"ours.json": [True], "theirs.json": ["true"],
                                                  "theirs.sqlite": [1]}[name], name
        assert sorted(log.event_objects["object_id"].to_list()) == ["c1", "r1"], name
        assert log.object_objects.select("source_id", "target_id").rows() == [("c1", "r1")], name
        assert sorted(log.object_attributes.select("name", "value").rows()) == [("language", "ar"),
                                                                               ("language", "fi")], name


def test_flattening_on_clients_gives_each_clients_path(referrals_log):
    frame = paths.ocel_to_events(referrals_log, object_type="client")
    assert frame.select("case:concept:name", "concept:name").rows() == [
        ("client:1", "referral sent"), ("client:1", "referral accepted"), ("client:1", "meeting held"),
        ("client:2", "referral sent"), ("client:2", "referral accepted"), ("client:1", "meeting held")]
    variants = {tuple(row["variant"]): row["count"] for row in paths.analyze(frame).variants.to_dicts()}
    assert variants == {("referral sent", "referral accepted", "meeting held", "meeting held"): 1,
                        ("referral sent", "referral accepted"): 1}


def test_flattening_on_an_unknown_object_type_names_the_types_there_are(referrals_log):
    with pytest.raises(EventLogError, match=r"no objects of type 'interpreter'; the log has 'client', 'meeting'"):
        paths.ocel_to_events(referrals_log, object_type="interpreter")


def test_json_event_pointing_to_an_unknown_object_is_refused(tmp_path):
    document = {"objectTypes": [], "eventTypes": [], "objects": [{"id": "c1", "type": "client"}],
                "events": [{"id": "e1", "type": "referral sent", "time": "2024-02-01T09:00:00Z",
                            "relationships": [{"objectId": "c1", "qualifier": ""},
                                              {"objectId": "c9", "qualifier": ""}]}]}
    (tmp_path / "bad.json").write_text(json.dumps(document))
    with pytest.raises(EventLogError, match=r"event 'e1' refers to unknown object 'c9'"):
        paths.read_ocel(tmp_path / "bad.json")


def test_xml_and_sqlite_event_pointing_to_an_unknown_object_is_refused(referrals_log, tmp_path):
    paths.write_ocel(referrals_log, tmp_path / "log.xml")
    text = (tmp_path / "log.xml").read_text().replace('object-id="meeting:101"', 'object-id="meeting:999"')
    (tmp_path / "bad.xml").write_text(text)
    with pytest.raises(EventLogError, match=r"event 'e6' refers to unknown object 'meeting:999'"):
        paths.read_ocel(tmp_path / "bad.xml")
    paths.write_ocel(referrals_log, tmp_path / "bad.sqlite")
    with sqlite3.connect(tmp_path / "bad.sqlite") as connection:
        connection.execute("UPDATE event_object SET ocel_object_id = 'client:7' WHERE ocel_event_id = 'e4'")
    with pytest.raises(EventLogError, match=r"event 'e4' refers to unknown object 'client:7'"):
        paths.read_ocel(tmp_path / "bad.sqlite")


def test_object_link_to_an_unknown_object_is_refused(tmp_path):
    document = {"objects": [{"id": "c1", "type": "client", "relationships": [{"objectId": "r9", "qualifier": "x"}]}],
                "events": []}
    (tmp_path / "bad.json").write_text(json.dumps(document))
    with pytest.raises(EventLogError, match=r"object 'c1' refers to unknown object 'r9'"):
        paths.read_ocel(tmp_path / "bad.json")


def test_broken_ocel_files_are_refused_with_the_reason(tmp_path):
    (tmp_path / "cut.json").write_text('{"events": [{"id": "e1",\n "type": ')
    with pytest.raises(EventLogError, match=r"line 2: cut.json: not valid JSON|cut.json: not valid JSON"):
        paths.read_ocel(tmp_path / "cut.json")
    (tmp_path / "time.json").write_text(json.dumps({"objects": [], "events": [
        {"id": "e1", "type": "a", "time": "2024-02-30T09:00:00Z"}]}))
    with pytest.raises(EventLogError, match=r"event 'e1': '2024-02-30T09:00:00Z' is not a valid date"):
        paths.read_ocel(tmp_path / "time.json")
    (tmp_path / "twice.json").write_text(json.dumps({"objects": [], "events": [
        {"id": "e1", "type": "a", "time": "2024-02-01T09:00:00Z"}, {"id": "e1", "type": "b",
                                                                  "time": "2024-02-01T09:00:00Z"}]}))
    with pytest.raises(EventLogError, match=r"event id 'e1' is used twice"):
        paths.read_ocel(tmp_path / "twice.json")
    (tmp_path / "cut.xml").write_text("<log><events><event id='e1'")
    with pytest.raises(EventLogError, match=r"line 1: cut.xml: not well-formed XML"):
        paths.read_ocel(tmp_path / "cut.xml")
    (tmp_path / "junk.sqlite").write_bytes(b"this is not a database, just text" * 100)
    with pytest.raises(EventLogError, match=r"junk.sqlite: not an OCEL 2.0 SQLite database"):
        paths.read_ocel(tmp_path / "junk.sqlite")
    with pytest.raises(EventLogError, match=r"not an OCEL 2.0 file name"):
        paths.read_ocel(tmp_path / "log.txt")


def test_empty_ocel_log_reads_and_flattens_to_an_empty_analysis(tmp_path):
    (tmp_path / "empty.json").write_text(json.dumps({"objectTypes": [{"name": "client", "attributes": []}],
                                                     "eventTypes": [], "objects": [{"id": "c1", "type": "client"}],
                                                     "events": []}))
    log = paths.read_ocel(tmp_path / "empty.json")
    assert log.events.is_empty()
    assert paths.analyze(paths.ocel_to_events(log, object_type="client")).case_count == 0
