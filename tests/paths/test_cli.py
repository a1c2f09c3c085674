"""`polku paths analyze ...` end to end, through the real `polku` entry point in a subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import polars as pl
import pytest

from polku import paths

POLKU = Path(sys.executable).with_name("polku")


def polku(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "POLKU_ENV": os.environ.get("POLKU_ENV", "test")}
    return subprocess.run([str(POLKU), *args], capture_output=True, text=True, env=env, timeout=120)


def test_analyze_prints_the_summary_and_writes_json_and_html(running_example, tmp_path):
    done = polku("paths", "analyze", str(running_example), "--json", str(tmp_path / "r.json"),
                 "--html", str(tmp_path / "r.html"), "--top", "3")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "running-example.xes: 6 cases, 42 events, 8 activities"
    assert lines[1] == "Top variants (3 of 6):"
    assert "Top transitions by frequency (3 of 16), with median wait:" in lines
    assert "  check ticket → decide: 6 times, median wait 1.5 d" in lines
    assert lines[-2:] == [f"Wrote the result as JSON to {tmp_path / 'r.json'}",
                          f"Wrote the HTML report to {tmp_path / 'r.html'}"]
    document = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert document["case_count"] == 6 and len(document["directly_follows"]) == 16
    assert (tmp_path / "r.html").read_text(encoding="utf-8").count("<svg") == 1


def test_analyze_reads_csv_with_the_column_options(tmp_path):
    (tmp_path / "log.csv").write_text("client;step;at\nc1;referral sent;2024-01-01T10:00:00Z\n"
                                      "c1;first meeting;2024-01-03T10:00:00Z\n".replace(";", ","))
    done = polku("paths", "analyze", str(tmp_path / "log.csv"), "--case-column", "client", "--activity-column", "step",
                 "--timestamp-column", "at")
    assert done.returncode == 0, done.stderr
    assert "  referral sent → first meeting: 1 times, median wait 2.0 d" in done.stdout.splitlines()


def test_analyze_reads_ocel_flattened_on_clients(tmp_path):
    table = pl.DataFrame({"client_id": [1, 1], "referral_id": [7, 7], "concept:name": ["referral sent", "closed"],
                          "time:timestamp": [datetime(2024, 1, 1, tzinfo=UTC), datetime(2024, 1, 5, tzinfo=UTC)]})
    log = paths.events_to_ocel(table, objects=[paths.ObjectColumn("client_id", "client"),
                                               paths.ObjectColumn("referral_id", "referral")])
    paths.write_ocel(log, tmp_path / "log.json")
    done = polku("paths", "analyze", str(tmp_path / "log.json"))
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0] == "log.json: 1 cases, 2 events, 2 activities"
    by_referral = polku("paths", "analyze", str(tmp_path / "log.json"), "--object-type", "referral")
    assert by_referral.returncode == 0 and "1 case (100.0 %)" in by_referral.stdout


@pytest.mark.parametrize(("content", "message"), [
    (b"<log><trace><string key='concept:name' value='1'/><event>", "polku paths: line 1: not well-formed XES"),
    (b"\x1f\x8b\x08\x00junk", "polku paths: bad.xes: truncated or corrupt gzip data"),
])
def test_unusable_input_exits_2_with_a_one_line_message(tmp_path, content, message):
    (tmp_path / "bad.xes").write_bytes(content)
    done = polku("paths", "analyze", str(tmp_path / "bad.xes"))
    assert done.returncode == 2
    assert done.stderr.startswith(message) and "Traceback" not in done.stderr


def test_analyze_of_an_empty_log_says_it_is_empty(tmp_path):
    (tmp_path / "empty.xes").write_text('<?xml version="1.0" encoding="UTF-8"?>\n<log>\n</log>\n')
    done = polku("paths", "analyze", str(tmp_path / "empty.xes"), "--json", str(tmp_path / "e.json"))
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[:2] == ["empty.xes: 0 cases, 0 events, 0 activities",
                                            "The log is empty: no variants and no transitions."]


def test_paths_without_a_sub_command_is_a_usage_error():
    done = polku("paths")
    assert done.returncode == 2 and "COMMAND" in done.stderr


def test_the_same_command_runs_without_django(running_example, capsys):
    from polku.paths import cli

    assert cli.main(["analyze", str(running_example), "--top", "1"]) == 0
    assert capsys.readouterr().out.splitlines()[:2] == ["running-example.xes: 6 cases, 42 events, 8 activities",
                                                        "Top variants (1 of 6):"]
    assert cli.main(["analyze", str(running_example.with_suffix(".txt"))]) == 2
    assert "unknown kind of file" in capsys.readouterr().err
