"""The result as JSON (docs/paths-json.md), the self-contained HTML report and its layered layout."""

from __future__ import annotations

import json
import re

import polars as pl
import pytest

from polku import paths
from polku.paths.html_report import human_duration, process_map_svg
from polku.paths.layout import layered_layout
from polku.paths.result_json import SCHEMA


@pytest.fixture
def result(running_example) -> paths.PathsResult:
    return paths.analyze(paths.read_xes(running_example), rules=[paths.EndsWith("reject request")])


def test_result_json_follows_the_documented_schema(result, tmp_path):
    paths.write_result_json(result, tmp_path / "result.json")
    document = json.loads((tmp_path / "result.json").read_text(encoding="utf-8"))
    assert set(document) == {"schema", "case_count", "event_count", "activity_count", "period", "activities",
                             "start_activities", "end_activities", "directly_follows", "variants",
                             "case_duration", "cases", "breaks"}
    assert document["schema"] == SCHEMA == "polku.paths/1"
    assert (document["case_count"], document["event_count"], document["activity_count"]) == (6, 42, 8)
    assert document["period"] == {"first": "2010-12-30T10:02:00.000000Z", "last": "2011-01-24T13:56:00.000000Z"}
    edge = document["directly_follows"][0]
    assert edge == {"source": "check ticket", "target": "decide", "frequency": 6, "wait_mean_s": 181960.0,
                    "wait_median_s": 129300.0, "wait_p90_s": pytest.approx(379500.0)}
    assert document["start_activities"] == [{"activity": "register request", "count": 6}]
    assert sorted(document["end_activities"], key=lambda e: e["activity"]) == [
        {"activity": "pay compensation", "count": 3}, {"activity": "reject request", "count": 3}]
    assert sum(v["count"] for v in document["variants"]) == 6
    assert document["variants"][0]["activities"][0] == "register request"
    assert set(document["case_duration"]) == {"mean_s", "median_s", "p90_s", "min_s", "max_s"}
    assert len(document["cases"]) == 6 and document["cases"][0]["start"].endswith("Z")
    assert len(document["breaks"]) == 3 and document["breaks"][0]["rule"] == "case ends with 'reject request'"


def test_result_json_of_an_empty_log_is_valid_and_empty(tmp_path):
    empty = pl.DataFrame(schema={"case:concept:name": pl.String, "concept:name": pl.String,
                                 "time:timestamp": pl.Datetime("us", "UTC")})
    document = paths.result_to_json(paths.analyze(empty))
    assert document["case_count"] == 0 and document["directly_follows"] == [] and document["period"]["first"] is None
    json.dumps(document, allow_nan=False)


def test_html_report_is_one_self_contained_page_with_the_map_and_tables(result, tmp_path):
    paths.write_html_report(result, tmp_path / "report.html", title="Running example")
    page = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and '<html lang="en">' in page
    assert not re.search(r"<script|<link|<img|\bsrc=|url\((?!#)|@import", page)
    assert re.findall(r"https?://[^\"' ]+", page) == ["http://www.w3.org/2000/svg"]  # a namespace, never fetched
    svg = page[page.index("<svg"): page.index("</svg>")]
    for activity in result.activities["activity"]:
        assert f">{activity} (" in svg
    assert svg.count("marker-end=") == 16 + 1 + 2  # every DFG edge plus start → 1 activity and 2 end activities
    assert "6 · 1.5 d" in svg  # check ticket → decide: 6 times, median 129300 s
    assert page.count("<table>") == 5 and "<caption>" in page and 'scope="col"' in page
    assert "Breaks" in page and "case ends with &#x27;reject request&#x27;" in page


def test_map_of_an_empty_log_says_so():
    empty = pl.DataFrame(schema={"case:concept:name": pl.String, "concept:name": pl.String,
                                 "time:timestamp": pl.Datetime("us", "UTC")})
    assert "the log is empty" in process_map_svg(paths.analyze(empty))
    assert "<svg" not in paths.render_html_report(paths.analyze(empty))


def test_big_maps_draw_the_busiest_edges_and_a_way_in_and_out_of_every_activity():
    activities = [f"step {i:02d}" for i in range(25)]
    rows = []
    for case in range(40):
        for position, activity in enumerate(activities[case % 5:] + activities[: case % 5]):
            rows.append((f"c{case}", activity, position))
    frame = pl.DataFrame({"case:concept:name": [r[0] for r in rows], "concept:name": [r[1] for r in rows],
                          "time:timestamp": pl.Series([r[2] for r in rows]).cast(pl.Datetime("us", "UTC"))})
    svg = process_map_svg(paths.analyze(frame))
    for activity in activities:
        assert f">{activity} (" in svg


def test_layout_puts_forward_edges_downwards_and_reports_the_back_edges():
    edges = {("start", "a"): 5, ("a", "b"): 5, ("b", "c"): 4, ("c", "a"): 2, ("b", "end"): 1, ("c", "end"): 4,
             ("b", "b"): 3}
    placed, back = layered_layout(["start", "a", "b", "c", "end"], edges, root="start")
    assert back == {("c", "a")}
    for source, target in edges:
        if source != target and (source, target) not in back:
            assert placed[target].layer > placed[source].layer
    assert [placed[n].layer for n in ("start", "a", "b", "c", "end")] == [0, 1, 2, 3, 4]
    assert layered_layout(["start", "a", "b", "c", "end"], edges, root="start") == (placed, back)


@pytest.mark.parametrize(("seconds", "text"), [(None, "–"), (12.4, "12 s"), (600, "10 min"), (5400, "1.5 h"),
                                               (129300, "1.5 d")])
def test_durations_are_shown_in_a_readable_unit(seconds, text):
    assert human_duration(seconds) == text
