"""A local stand-in for OSV's ``POST /v1/query``, so that pip-audit can audit where api.osv.dev cannot be reached.

pip-audit's OSV service (``pip-audit --vulnerability-service osv --osv-url URL``) sends one query per installed
distribution, ``{"package": {"name": ..., "ecosystem": "PyPI"}, "version": ...}``, and reads ``vulns[]`` records:
``id``, ``aliases``, ``summary``/``details``, ``published``, ``withdrawn``, ``schema_version`` and
``affected[].package`` / ``affected[].ranges[type=ECOSYSTEM].events[].fixed`` (for the fix versions). It does not
use ``/v1/querybatch``. The bridge answers from two sources:

1. PyPI's project JSON (``<pypi-url>/<name>/json``), whose ``vulnerabilities`` list is PyPI's advisory data for
   the **latest** release only: it vouches for a version only when that version is ``info.version``.
2. An OSV advisory directory (``--advisories DIR``, e.g. the PyPA advisory database's ``vulns/``), which vouches
   for any version: ``affected[].versions`` lists and ``ECOSYSTEM`` ranges are evaluated with packaging.version.

When neither source can vouch for a version (not the latest release and no advisory directory, PyPI unreachable
or the package not on PyPI, a version that is not PEP 440) the answer is never "no vulnerabilities": it is one
synthetic record ``UNAUDITED-<name>-<version>`` whose summary says why, so pip-audit reports it and fails.
Distributions named with ``--local`` (our own project, installed editable) are answered with no vulnerabilities:
they are not third-party dependencies (bandit reviews our code).

Run: ``python tools/osv_bridge.py [--port 0] [--advisories DIR] [--pypi-url URL] [--local NAME]``.
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
import urllib.error
import urllib.request
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

PYPI_URL = "https://pypi.org/pypi"
MAX_BODY = 64 * 1024
# How the answer for one query was decided (the summary counts these).
PYPI_LATEST, ADVISORY_DB, LOCAL, UNAUDITED = "pypi-latest", "advisory-db", "local", "unaudited"


# ---------------------------------------------------------------------------------------------------------------
# Source 1: PyPI's project JSON


@dataclass(frozen=True)
class Project:
    """What PyPI's project JSON says: the latest release and the advisories that affect it."""

    latest: str
    vulnerabilities: list[dict[str, Any]]
    releases: tuple[str, ...] = ()  # versions with at least one file that is not yanked

    def newer_in_series(self, version: Version) -> list[str]:
        """Releases after ``version`` with the same major.minor (e.g. 5.2.21 for 5.2.20), pre-releases left out."""
        newer = []
        for raw in self.releases:
            try:
                other = Version(raw)
            except InvalidVersion:
                continue
            if other > version and not other.is_prerelease and other.release[:2] == version.release[:2]:
                newer.append(other)
        return [str(v) for v in sorted(newer)]


class ProjectUnavailable(Exception):
    """PyPI could not answer for this project (the message says why)."""


class PyPIProjects:
    """Fetches ``<base_url>/<name>/json`` once per project (kept for the bridge's lifetime)."""

    def __init__(self, *, base_url: str = PYPI_URL, timeout: float = 15.0) -> None:
        if not base_url.startswith(("https://", "http://")):
            raise ValueError(f"the project JSON URL must be http(s): {base_url!r}")
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self._cache: dict[str, Project | ProjectUnavailable] = {}
        self._lock = threading.Lock()

    def get(self, name: str) -> Project:
        name = canonicalize_name(name)
        with self._lock:
            cached = self._cache.get(name)
        if cached is None:
            try:
                cached = self._fetch(name)
            except ProjectUnavailable as unavailable:
                cached = unavailable
            with self._lock:
                self._cache[name] = cached
        if isinstance(cached, ProjectUnavailable):
            raise cached
        return cached

    def _fetch(self, name: str) -> Project:
        url = f"{self.base_url}/{name}/json"
        headers = {"Accept": "application/json", "User-Agent": "polku-osv-bridge"}
        # The scheme is checked to be http(s) in __init__; the name is a canonicalised distribution name.
        request = urllib.request.Request(url, headers=headers)  # noqa: S310
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                data = json.load(response)
        except urllib.error.HTTPError as error:
            if error.code == HTTPStatus.NOT_FOUND:
                raise ProjectUnavailable(f"{name} is not on PyPI ({url} answered 404)") from error
            raise ProjectUnavailable(f"PyPI answered {error.code} for {url}") from error
        except (urllib.error.URLError, TimeoutError, OSError) as error:
            raise ProjectUnavailable(f"PyPI could not be reached ({url}: {error})") from error
        except ValueError as error:
            raise ProjectUnavailable(f"PyPI's answer for {url} is not JSON ({error})") from error
        try:
            latest = str(data["info"]["version"])
            vulnerabilities = list(data.get("vulnerabilities") or [])
            releases = tuple(
                str(v)
                for v, files in (data.get("releases") or {}).items()
                if files and not all(f.get("yanked") for f in files)
            )
        except (KeyError, TypeError, AttributeError) as error:
            raise ProjectUnavailable(f"PyPI's project JSON for {name} is not as expected ({error!r})") from error
        return Project(latest=latest, vulnerabilities=vulnerabilities, releases=releases)


def pypi_vulnerability_to_osv(entry: dict[str, Any], *, name: str, version: str) -> dict[str, Any]:
    """One entry of PyPI's ``vulnerabilities`` list as an OSV record for ``name`` at ``version``."""
    fixed = [str(v) for v in entry.get("fixed_in") or []]
    record: dict[str, Any] = {
        "schema_version": "1.6.0",
        "id": str(entry["id"]),
        "aliases": [str(a) for a in entry.get("aliases") or []],
        "details": str(entry.get("details") or ""),
        "affected": [
            {
                "package": {"name": name, "ecosystem": "PyPI"},
                "versions": [version],
                "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, *({"fixed": f} for f in fixed)]}],
            }
        ],
        "database_specific": {"source": "PyPI project JSON (advisories of the latest release)"},
    }
    if entry.get("summary"):
        record["summary"] = str(entry["summary"])
    if entry.get("link"):
        record["references"] = [{"type": "ADVISORY", "url": str(entry["link"])}]
    if entry.get("withdrawn"):
        record["withdrawn"] = _rfc3339(entry["withdrawn"]) or str(entry["withdrawn"])
    return record


# ---------------------------------------------------------------------------------------------------------------
# Source 2: an OSV advisory directory


def _load_record(path: Path) -> Any:
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".json":
        return json.loads(text)
    import yaml  # PyYAML comes with bandit (the [test] extra); needed only when an advisory directory is given.

    return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # noqa: S506 (a safe loader)


class AdvisoryDatabase:
    """OSV records (``*.yaml``, ``*.yml``, ``*.json`` under ``root``) indexed by affected PyPI package."""

    def __init__(self, root: Path) -> None:
        if not root.is_dir():
            raise ValueError(f"advisory directory not found: {root}")
        self.root = root
        self.records = 0
        self._by_package: dict[str, list[dict[str, Any]]] = {}
        for path in sorted(root.rglob("*")):
            if path.suffix not in {".yaml", ".yml", ".json"} or not path.is_file():
                continue
            record = _load_record(path)
            if not isinstance(record, dict) or "id" not in record:
                raise ValueError(f"{path}: not an OSV record (no id)")
            self.records += 1
            names = {
                canonicalize_name(str(a["package"]["name"]))
                for a in record.get("affected") or []
                if isinstance(a, dict) and (a.get("package") or {}).get("ecosystem") == "PyPI"
            }
            for name in names:
                self._by_package.setdefault(name, []).append(record)

    def vulns_for(self, name: str, version: Version) -> list[dict[str, Any]]:
        name = canonicalize_name(name)
        found = []
        for record in self._by_package.get(name, []):
            if record.get("withdrawn"):
                continue
            affected = [
                a
                for a in record.get("affected") or []
                if a.get("package", {}).get("ecosystem") == "PyPI"
                and canonicalize_name(str(a["package"]["name"])) == name
            ]
            if any(affects(a, version) for a in affected):
                found.append(_json_safe(record, name=name))
        return found


def affects(affected: dict[str, Any], version: Version) -> bool:
    """Whether one OSV ``affected`` entry covers ``version`` (its ``versions`` list or an ECOSYSTEM range)."""
    for listed in affected.get("versions") or []:
        try:
            if Version(str(listed)) == version:
                return True
        except InvalidVersion:
            continue
    return any(
        in_range(r.get("events") or [], version) for r in affected.get("ranges") or [] if r.get("type") == "ECOSYSTEM"
    )


def in_range(events: list[dict[str, Any]], version: Version) -> bool:
    """OSV's range evaluation: walk the events in version order; introduced opens, fixed/last_affected close."""
    parsed: list[tuple[Version, int, str]] = []
    for event in events:
        for kind, order in (("introduced", 0), ("fixed", 1), ("last_affected", 2)):
            if kind in event:
                raw = str(event[kind])
                try:
                    at = Version(raw)
                except InvalidVersion:
                    continue
                parsed.append((at, order, kind))
    affected = False
    for at, _order, kind in sorted(parsed):
        if kind == "introduced" and version >= at:
            affected = True
        elif (kind == "fixed" and version >= at) or (kind == "last_affected" and version > at):
            affected = False
    return affected


def _rfc3339(value: Any) -> str | None:
    """A timestamp in the one form pip-audit parses (``YYYY-MM-DDTHH:MM:SS[.ffffff]Z``), or None."""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return None
    if not isinstance(value, datetime):
        return None
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value.strftime("%Y-%m-%dT%H:%M:%SZ")


def _json_safe(record: dict[str, Any], *, name: str) -> dict[str, Any]:
    """The record as pip-audit reads it: RFC 3339 timestamps (YAML gives datetimes), and ``name`` canonicalised in
    ``affected`` (pip-audit takes the fix versions only from an entry whose name equals the canonical name)."""
    out = json.loads(json.dumps(record, default=str))
    for affected in out.get("affected") or []:
        package = affected.get("package") or {}
        if package.get("ecosystem") == "PyPI" and canonicalize_name(str(package.get("name", ""))) == name:
            package["name"] = name
    for key in ("published", "modified", "withdrawn"):
        if key in record:
            stamp = _rfc3339(record[key])
            if stamp is None:
                out.pop(key, None)
            else:
                out[key] = stamp
    return out


# ---------------------------------------------------------------------------------------------------------------
# The answer to one query


@dataclass
class Bridge:
    projects: PyPIProjects | None
    advisories: AdvisoryDatabase | None = None
    local: frozenset[str] = frozenset()
    counts: Counter[str] = field(default_factory=Counter)
    unaudited: list[str] = field(default_factory=list)
    reported_ids: set[str] = field(default_factory=set)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def answer(self, name: str, raw_version: str) -> list[dict[str, Any]]:
        name = canonicalize_name(name)
        if name in self.local:
            return self._count(LOCAL, name, raw_version, [])
        try:
            version = Version(raw_version)
        except InvalidVersion:
            return self._unaudited(name, raw_version, f"{raw_version!r} is not a PEP 440 version")
        problem, outdated = "no PyPI project JSON source", []
        if self.projects is not None:
            try:
                project = self.projects.get(name)
            except ProjectUnavailable as unavailable:
                problem = str(unavailable)
            else:
                if _same_version(project.latest, version):
                    vulns = [
                        pypi_vulnerability_to_osv(v, name=name, version=raw_version) for v in project.vulnerabilities
                    ]
                    if self.advisories is not None:
                        vulns = _merge(vulns, self.advisories.vulns_for(name, version))
                    return self._count(PYPI_LATEST, name, raw_version, vulns)
                problem = f"{raw_version} is not the latest release on PyPI ({project.latest})"
                outdated = self._outdated(name, raw_version, project.newer_in_series(version))
        if self.advisories is not None:
            return self._count(ADVISORY_DB, name, raw_version, self.advisories.vulns_for(name, version) + outdated)
        why = f"{problem}, and no advisory database was given (--advisories)"
        return self._unaudited(name, raw_version, why) + outdated

    def _outdated(self, name: str, version: str, newer: list[str]) -> list[dict[str, Any]]:
        """A record that makes an accepted UNAUDITED series fail while a newer patch of the series is out."""
        if not newer:
            return []
        return [
            {
                "schema_version": "1.6.0",
                "id": f"OUTDATED-{name}-{version}",
                "summary": f"newer releases of the same series are out: {', '.join(newer)}",
                "details": (
                    f"{name} {version} is neither the latest release nor the newest of its series ({newer[-1]}); "
                    "patch releases often carry security fixes that no source available here can confirm. Upgrade."
                ),
                "affected": [
                    {
                        "package": {"name": name, "ecosystem": "PyPI"},
                        "versions": [version],
                        "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": newer[-1]}]}],
                    }
                ],
            }
        ]

    def _unaudited(self, name: str, version: str, why: str) -> list[dict[str, Any]]:
        record = {
            "schema_version": "1.6.0",
            "id": f"UNAUDITED-{name}-{version}",
            "summary": f"NOT AUDITED: no vulnerability data for {name} {version}: {why}",
            "details": (
                f"The OSV bridge could not vouch for {name} {version}: {why}. PyPI's project JSON lists advisories "
                "for the latest release only. Upgrade to the latest release, or run with the PyPA advisory "
                "database (--advisories DIR), or accept this id with a reason in docs/security/audit-accepted.txt."
            ),
            "affected": [{"package": {"name": name, "ecosystem": "PyPI"}, "versions": [version]}],
        }
        with self._lock:
            self.unaudited.append(f"{name} {version}: {why}")
        return self._count(UNAUDITED, name, version, [record])

    def _count(self, how: str, name: str, version: str, vulns: list[dict[str, Any]]) -> list[dict[str, Any]]:
        with self._lock:
            self.counts[how] += 1
            for v in vulns:
                if v["id"].startswith("OUTDATED-"):
                    self.counts["outdated"] += 1
                elif not v["id"].startswith("UNAUDITED-"):
                    self.counts["findings"] += 1
                self.reported_ids.update([v["id"], *v.get("aliases", [])])
        return vulns

    def summary(self) -> str:
        c = self.counts
        lines = [
            f"osv-bridge: {sum(c[k] for k in (PYPI_LATEST, ADVISORY_DB, LOCAL, UNAUDITED))} queries: "
            f"{c[PYPI_LATEST]} against PyPI's data for the latest release, "
            f"{c[ADVISORY_DB]} against the advisory database"
            + (f" ({self.advisories.root}, {self.advisories.records} records)" if self.advisories else "")
            + f", {c[LOCAL]} local, {c[UNAUDITED]} unaudited; {c['findings']} advisories, "
            f"{c['outdated']} outdated within their series"
        ]
        lines += [f"osv-bridge: unaudited: {u}" for u in sorted(self.unaudited)]
        return "\n".join(lines)


def _same_version(a: str, b: Version) -> bool:
    try:
        return Version(a) == b
    except InvalidVersion:
        return False


def _merge(first: list[dict[str, Any]], second: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Both lists, without a record of ``second`` whose id or aliases one of ``first`` already names."""
    seen = {i for v in first for i in (v["id"], *v.get("aliases", []))}
    return first + [v for v in second if not ({v["id"], *v.get("aliases", [])} & seen)]


# ---------------------------------------------------------------------------------------------------------------
# HTTP


class BadQuery(ValueError):
    pass


def parse_query(body: bytes) -> tuple[str, str]:
    """``(name, version)`` from an OSV v1 query for a PyPI package; BadQuery otherwise."""
    try:
        query = json.loads(body)
    except (ValueError, UnicodeDecodeError) as error:
        raise BadQuery(f"the body is not JSON: {error}") from error
    if not isinstance(query, dict) or not isinstance(query.get("package"), dict):
        raise BadQuery("expected {'package': {'name': ..., 'ecosystem': 'PyPI'}, 'version': ...}")
    package = query["package"]
    if package.get("ecosystem") != "PyPI":
        raise BadQuery(f"only the PyPI ecosystem is served, not {package.get('ecosystem')!r}")
    name, version = package.get("name"), query.get("version")
    if not isinstance(name, str) or not name.strip():
        raise BadQuery("package.name is missing")
    if not isinstance(version, str) or not version.strip():
        raise BadQuery("version is missing (commit queries are not served)")
    return name.strip(), version.strip()


class Handler(BaseHTTPRequestHandler):
    server: BridgeServer
    protocol_version = "HTTP/1.1"

    def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
        if self.path.split("?")[0] != "/v1/query":
            return self._send(HTTPStatus.NOT_FOUND, {"message": f"no such endpoint: {self.path} (only /v1/query)"})
        try:
            length = int(self.headers.get("Content-Length") or "")
        except ValueError:
            return self._send(HTTPStatus.LENGTH_REQUIRED, {"message": "Content-Length is required"})
        if length > MAX_BODY or length < 0:
            return self._send(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, {"message": f"at most {MAX_BODY} bytes"})
        try:
            name, version = parse_query(self.rfile.read(length))
        except BadQuery as error:
            return self._send(HTTPStatus.BAD_REQUEST, {"message": str(error)})
        vulns = self.server.bridge.answer(name, version)
        return self._send(HTTPStatus.OK, {"vulns": vulns} if vulns else {})

    def do_GET(self) -> None:  # noqa: N802
        self._send(HTTPStatus.METHOD_NOT_ALLOWED, {"message": "POST an OSV query to /v1/query"})

    def _send(self, status: HTTPStatus, payload: dict[str, Any]) -> None:
        body = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 (http.server's signature)
        if self.server.verbose:
            super().log_message(format, *args)


class BridgeServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, bridge: Bridge, *, host: str = "127.0.0.1", port: int = 0, verbose: bool = False) -> None:
        super().__init__((host, port), Handler)
        self.bridge = bridge
        self.verbose = verbose

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}/v1/query"


def start(bridge: Bridge, *, port: int = 0, verbose: bool = False) -> tuple[BridgeServer, threading.Thread]:
    """Serve ``bridge`` on 127.0.0.1 (a free port unless given) in a daemon thread; ``server.url`` is the query URL."""
    server = BridgeServer(bridge, port=port, verbose=verbose)
    thread = threading.Thread(target=server.serve_forever, name="osv-bridge", daemon=True)
    thread.start()
    return server, thread


def stop(server: BridgeServer, thread: threading.Thread) -> None:
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


def build(*, advisories: Path | None, pypi_url: str | None, local: list[str], timeout: float = 15.0) -> Bridge:
    return Bridge(
        projects=PyPIProjects(base_url=pypi_url, timeout=timeout) if pypi_url else None,
        advisories=AdvisoryDatabase(advisories) if advisories else None,
        local=frozenset(canonicalize_name(n) for n in local),
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (default: a free one)")
    parser.add_argument("--advisories", type=Path, help="directory of OSV records (the PyPA database's vulns/)")
    parser.add_argument("--pypi-url", default=PYPI_URL, help=f"base of the project JSON API (default {PYPI_URL})")
    parser.add_argument("--no-pypi", action="store_true", help="do not ask PyPI (only the advisory directory)")
    parser.add_argument("--local", action="append", default=[], help="our own distribution (answered as clean)")
    parser.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args(argv)
    bridge = build(advisories=args.advisories, pypi_url=None if args.no_pypi else args.pypi_url, local=args.local)
    server = BridgeServer(bridge, port=args.port, verbose=args.verbose)
    print(f"osv-bridge: serving {server.url}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        print(bridge.summary(), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
