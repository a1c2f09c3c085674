"""The OSV bridge (tools/osv_bridge.py) over real HTTP on loopback, with a fake PyPI and a small advisory directory.

Nothing here reaches pypi.org: the project JSON comes from a local http.server serving three tiny projects.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from packaging.version import Version

from tools import audit, osv_bridge

# --- a fake PyPI serving project JSON -----------------------------------------------------------------------------

PROJECTS: dict[str, dict[str, Any]] = {
    # Latest release 3.0 has one advisory on PyPI; 1.2 and 1.4.2 are older releases (1.2.1 patches 1.2).
    "examplepkg": {
        "info": {"version": "3.0"},
        "releases": {"1.2": [{"yanked": False}], "1.2.1": [{"yanked": False}], "1.4.2": [{}], "3.0": [{}]},
        "vulnerabilities": [
            {
                "id": "PYSEC-9999-1",
                "aliases": ["CVE-9999-0001"],
                "details": "Crafted input makes examplepkg 3.0 loop forever.",
                "summary": "Denial of service in the parser",
                "fixed_in": ["3.0.1"],
                "link": "https://example.invalid/PYSEC-9999-1",
                "withdrawn": None,
            }
        ],
    },
    "cleanpkg": {"info": {"version": "2.0"}, "releases": {"1.0": [{}], "2.0": [{}]}, "vulnerabilities": []},
}


class FakePyPI(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802
        parts = self.path.strip("/").split("/")  # pypi/<name>/json
        project = PROJECTS.get(parts[1]) if len(parts) == 3 and parts[0] == "pypi" else None
        body = json.dumps(project).encode() if project else b'{"message": "Not Found"}'
        self.send_response(200 if project else 404)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def fake_pypi() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakePyPI)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/pypi"
    server.shutdown()
    server.server_close()


# --- a small advisory directory (hand-written OSV records) --------------------------------------------------------

RANGE_RECORD = """\
id: PYSEC-TEST-1
published: 2024-03-01T10:00:00Z
modified: 2024-03-02T08:30:00.123456Z
aliases:
- CVE-TEST-1
details: Path traversal in examplepkg before 1.4.2 and in 2.0.x before 2.1.
affected:
- package:
    ecosystem: PyPI
    name: ExamplePkg
  ranges:
  - type: GIT
    repo: https://example.invalid/examplepkg
    events:
    - introduced: "0"
  - type: ECOSYSTEM
    events:
    - introduced: "2.0"
    - fixed: "2.1"
    - introduced: "1.0"
    - fixed: 1.4.2
"""

VERSIONS_RECORD = """\
id: PYSEC-TEST-2
details: Only the two listed releases shipped a debug backdoor.
affected:
- package:
    ecosystem: PyPI
    name: examplepkg
  versions:
  - "0.9"
  - 0.9.1
"""

WITHDRAWN_RECORD = """\
id: PYSEC-TEST-3
withdrawn: 2024-05-01T00:00:00Z
details: Turned out not to be a vulnerability.
affected:
- package:
    ecosystem: PyPI
    name: examplepkg
  ranges:
  - type: ECOSYSTEM
    events:
    - introduced: "0"
"""


@pytest.fixture(scope="module")
def advisories(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("advisories")
    (root / "examplepkg").mkdir()
    (root / "examplepkg" / "PYSEC-TEST-1.yaml").write_text(RANGE_RECORD)
    (root / "examplepkg" / "PYSEC-TEST-2.yaml").write_text(VERSIONS_RECORD)
    (root / "examplepkg" / "PYSEC-TEST-3.yaml").write_text(WITHDRAWN_RECORD)
    return root


def serve(bridge: osv_bridge.Bridge) -> Iterator[tuple[str, osv_bridge.Bridge]]:
    server, thread = osv_bridge.start(bridge)
    yield server.url, bridge
    osv_bridge.stop(server, thread)


@pytest.fixture
def with_db(fake_pypi: str, advisories: Path) -> Iterator[tuple[str, osv_bridge.Bridge]]:
    yield from serve(osv_bridge.build(advisories=advisories, pypi_url=fake_pypi, local=["polku"]))


@pytest.fixture
def without_db(fake_pypi: str) -> Iterator[tuple[str, osv_bridge.Bridge]]:
    yield from serve(osv_bridge.build(advisories=None, pypi_url=fake_pypi, local=["polku"]))


def post(url: str, body: bytes | dict[str, Any]) -> tuple[int, dict[str, Any]]:
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method="POST")  # noqa: S310 (loopback http)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            return response.status, json.load(response)
    except urllib.error.HTTPError as error:
        return error.code, json.load(error)


def query(url: str, name: str, version: str) -> list[dict[str, Any]]:
    status, answer = post(url, {"package": {"name": name, "ecosystem": "PyPI"}, "version": version})
    assert status == 200, answer
    return answer.get("vulns", [])


# --- the advisory directory ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("version", ["1.0", "1.2", "1.4.1", "2.0", "2.0.5"])
def test_a_version_inside_an_ecosystem_range_gets_the_record(
    with_db: tuple[str, osv_bridge.Bridge], version: str
) -> None:
    url, _ = with_db
    vulns = query(url, "examplepkg", version)
    ids = [v["id"] for v in vulns]
    assert "PYSEC-TEST-1" in ids
    record = next(v for v in vulns if v["id"] == "PYSEC-TEST-1")
    assert record["aliases"] == ["CVE-TEST-1"]
    # Timestamps go out in the one form pip-audit parses.
    assert record["published"] == "2024-03-01T10:00:00Z"
    assert record["modified"] == "2024-03-02T08:30:00Z"


@pytest.mark.parametrize("version", ["1.4.2", "1.5", "2.1", "0.8"])
def test_a_fixed_or_unaffected_version_gets_no_record(with_db: tuple[str, osv_bridge.Bridge], version: str) -> None:
    url, _ = with_db
    assert [v["id"] for v in query(url, "examplepkg", version) if not v["id"].startswith("OUTDATED-")] == []


def test_a_version_in_an_explicit_versions_list_gets_the_record(with_db: tuple[str, osv_bridge.Bridge]) -> None:
    url, _ = with_db
    assert [v["id"] for v in query(url, "examplepkg", "0.9.1")] == ["PYSEC-TEST-2"]
    assert [v["id"] for v in query(url, "examplepkg", "0.9.2")] == []


def test_a_withdrawn_record_is_never_reported(with_db: tuple[str, osv_bridge.Bridge]) -> None:
    url, _ = with_db
    assert "PYSEC-TEST-3" not in [v["id"] for v in query(url, "examplepkg", "1.2")]


def test_range_evaluation_follows_osv_event_order_and_last_affected() -> None:
    events = [{"introduced": "1.0"}, {"last_affected": "1.3"}]
    assert osv_bridge.in_range(events, Version("1.3"))
    assert not osv_bridge.in_range(events, Version("1.3.1"))
    assert not osv_bridge.in_range(events, Version("0.9"))
    assert not osv_bridge.in_range([{"introduced": "1.0"}, {"fixed": "not a version!"}], Version("0.5"))


# --- PyPI's project JSON ------------------------------------------------------------------------------------------


def test_the_latest_release_is_answered_from_pypi_with_fix_versions(
    without_db: tuple[str, osv_bridge.Bridge],
) -> None:
    url, bridge = without_db
    [record] = query(url, "examplepkg", "3.0")
    assert record["id"] == "PYSEC-9999-1"
    assert record["aliases"] == ["CVE-9999-0001"]
    assert record["summary"] == "Denial of service in the parser"
    [affected] = record["affected"]
    assert affected["package"] == {"name": "examplepkg", "ecosystem": "PyPI"}
    assert {"fixed": "3.0.1"} in affected["ranges"][0]["events"]
    assert query(url, "cleanpkg", "2.0") == []
    assert bridge.counts[osv_bridge.PYPI_LATEST] == 2


def test_an_older_release_without_advisory_database_is_reported_unaudited(
    without_db: tuple[str, osv_bridge.Bridge],
) -> None:
    url, bridge = without_db
    [record] = query(url, "cleanpkg", "1.0")
    assert record["id"] == "UNAUDITED-cleanpkg-1.0"
    assert "not the latest release on PyPI (2.0)" in record["summary"]
    assert record["affected"][0]["versions"] == ["1.0"]
    assert bridge.counts[osv_bridge.UNAUDITED] == 1


def test_an_older_release_with_a_newer_patch_in_its_series_is_also_reported_outdated(
    without_db: tuple[str, osv_bridge.Bridge],
) -> None:
    url, _ = without_db
    ids = [v["id"] for v in query(url, "examplepkg", "1.2")]
    assert ids == ["UNAUDITED-examplepkg-1.2", "OUTDATED-examplepkg-1.2"]


def test_a_package_that_pypi_does_not_know_is_unaudited_unless_it_is_our_own(
    without_db: tuple[str, osv_bridge.Bridge],
) -> None:
    url, _ = without_db
    [record] = query(url, "nosuchpkg", "1.0")
    assert record["id"] == "UNAUDITED-nosuchpkg-1.0"
    assert "not on PyPI" in record["summary"]
    assert query(url, "Polku", "0.1.0") == []


def test_unreachable_pypi_without_advisory_database_is_never_a_pass(unused_port: int) -> None:
    bridge = osv_bridge.build(advisories=None, pypi_url=f"http://127.0.0.1:{unused_port}/pypi", local=[])
    for url, _ in serve(bridge):
        [record] = query(url, "cleanpkg", "2.0")
        assert record["id"] == "UNAUDITED-cleanpkg-2.0"
        assert "could not be reached" in record["summary"]


def test_unreachable_pypi_with_advisory_database_answers_from_the_database(unused_port: int, advisories: Path) -> None:
    bridge = osv_bridge.build(advisories=advisories, pypi_url=f"http://127.0.0.1:{unused_port}/pypi", local=[])
    for url, _ in serve(bridge):
        assert [v["id"] for v in query(url, "examplepkg", "1.2")] == ["PYSEC-TEST-1"]
        assert query(url, "cleanpkg", "2.0") == []
        assert bridge.counts[osv_bridge.ADVISORY_DB] == 2


@pytest.fixture
def unused_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --- bad queries --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        b"not json",
        b"[]",
        json.dumps({"package": {"name": "examplepkg", "ecosystem": "PyPI"}}).encode(),  # no version
        json.dumps({"package": {"name": "examplepkg", "ecosystem": "npm"}, "version": "1.0"}).encode(),
        json.dumps({"package": "examplepkg", "version": "1.0"}).encode(),
        json.dumps({"package": {"ecosystem": "PyPI"}, "version": "1.0"}).encode(),
        json.dumps({"commit": "abc123"}).encode(),
    ],
)
def test_a_malformed_query_is_refused_with_400(without_db: tuple[str, osv_bridge.Bridge], body: bytes) -> None:
    url, bridge = without_db
    status, answer = post(url, body)
    assert status == 400
    assert answer["message"]
    assert sum(bridge.counts.values()) == 0


def test_other_paths_and_methods_are_refused(without_db: tuple[str, osv_bridge.Bridge]) -> None:
    url, _ = without_db
    status, _ = post(url.replace("/v1/query", "/v1/querybatch"), {"queries": []})
    assert status == 404
    with pytest.raises(urllib.error.HTTPError) as error:
        urllib.request.urlopen(url, timeout=10)  # noqa: S310 (loopback http)
    assert error.value.code == 405


def test_a_version_that_is_not_pep_440_is_unaudited(with_db: tuple[str, osv_bridge.Bridge]) -> None:
    url, _ = with_db
    assert [v["id"] for v in query(url, "examplepkg", "1.2-custom+x y")] == ["UNAUDITED-examplepkg-1.2-custom+x y"]


# --- pip-audit itself against the bridge, and the wrapper's accepted list -----------------------------------------


def test_pip_audit_reports_the_bridge_records_and_fails(with_db: tuple[str, osv_bridge.Bridge], tmp_path: Path) -> None:
    url, _ = with_db
    requirements = tmp_path / "requirements.txt"
    requirements.write_text("examplepkg==1.2\ncleanpkg==2.0\n")
    pip_audit = Path(sys.executable).parent / "pip-audit"
    command = [str(pip_audit), "-r", str(requirements), "--no-deps", "--disable-pip", "--strict",
               "-s", "osv", "--osv-url", url, "--progress-spinner", "off", "-f", "json",
               "--cache-dir", str(tmp_path / "cache")]  # fmt: skip
    result = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 1, result.stderr
    report = {d["name"]: d["vulns"] for d in json.loads(result.stdout)["dependencies"]}
    assert [(v["id"], v["fix_versions"]) for v in report["examplepkg"]] == [
        ("PYSEC-TEST-1", ["1.4.2", "2.1"]),
        ("OUTDATED-examplepkg-1.2", ["1.2.1"]),
    ]
    assert report["cleanpkg"] == []
    ignored = subprocess.run(
        [*command, "--ignore-vuln", "CVE-TEST-1", "--ignore-vuln", "OUTDATED-examplepkg-1.2"],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert ignored.returncode == 0, ignored.stdout


def test_the_accepted_list_needs_a_reason_per_line(tmp_path: Path) -> None:
    accepted = tmp_path / "accepted.txt"
    accepted.write_text(
        "# comment\n\nPYSEC-2024-1   fixed upstream in a backport we run\nUNAUDITED-django-5.2.*  LTS\n"
    )
    assert audit.read_accepted(accepted) == {
        "PYSEC-2024-1": "fixed upstream in a backport we run",
        "UNAUDITED-django-5.2.*": "LTS",
    }
    accepted.write_text("PYSEC-2024-1\n")
    with pytest.raises(audit.AcceptedListError, match="no reason"):
        audit.read_accepted(accepted)


def test_a_glob_accepts_only_unaudited_ids_of_the_installed_series() -> None:
    installed = {"django": "5.2.20", "numpy": "2.4.6"}
    accepted = {"UNAUDITED-django-5.2.*": "LTS", "UNAUDITED-numpy-2.5.*": "x", "PYSEC-1": "y"}
    assert audit.expand_accepted(accepted, installed) == ["UNAUDITED-django-5.2.20", "PYSEC-1"]
    with pytest.raises(audit.AcceptedListError, match="only UNAUDITED"):
        audit.expand_accepted({"PYSEC-2024-*": "everything"}, installed)


def test_the_repository_accepted_list_is_well_formed() -> None:
    accepted = audit.read_accepted(audit.ACCEPTED)
    assert all(len(reason) >= 20 for reason in accepted.values()), "each accepted id needs a real reason"
