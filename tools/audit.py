"""``make audit``: pip-audit over the venv, answered by the local OSV bridge (tools/osv_bridge.py).

Starts the bridge on 127.0.0.1 (a free port), warms its PyPI project cache in parallel, runs
``pip-audit --strict --vulnerability-service osv --osv-url <bridge> --progress-spinner off`` with one
``--ignore-vuln`` per accepted id of docs/security/audit-accepted.txt (each line: ``ID  reason``), stops the
bridge, prints its summary and exits with pip-audit's exit code (non-zero on any finding or unaudited package).

Usage: ``python tools/audit.py [--advisories DIR] [--pypi-url URL] [--accepted FILE] [-- extra pip-audit args]``
"""

from __future__ import annotations

import argparse
import contextlib
import fnmatch
import subprocess
import sys
import time
import tomllib
from concurrent.futures import ThreadPoolExecutor
from importlib import metadata
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make tools/ importable as a package
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from packaging.utils import canonicalize_name  # noqa: E402

from tools import osv_bridge  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
ACCEPTED = ROOT / "docs" / "security" / "audit-accepted.txt"


class AcceptedListError(ValueError):
    pass


def read_accepted(path: Path) -> dict[str, str]:
    """``{id: reason}`` from lines ``ID  reason`` (``#`` comments and blank lines skipped); a reason is required."""
    accepted: dict[str, str] = {}
    if not path.exists():
        return accepted
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        vuln_id, _, reason = line.partition(" ")
        if not reason.strip():
            raise AcceptedListError(f"{path}:{number}: {vuln_id} has no reason (write 'ID  reason')")
        if vuln_id in accepted:
            raise AcceptedListError(f"{path}:{number}: {vuln_id} is listed twice")
        accepted[vuln_id] = reason.strip()
    return accepted


def installed() -> dict[str, str]:
    """``{canonical name: version}`` of the distributions in this interpreter's environment (what pip-audit sees)."""
    return {canonicalize_name(d.metadata["Name"]): d.version for d in metadata.distributions() if d.metadata["Name"]}


def expand_accepted(accepted: dict[str, str], distributions: dict[str, str]) -> list[str]:
    """The ids to pass to ``--ignore-vuln``: a glob is allowed only for UNAUDITED ids (``UNAUDITED-django-5.2.*``,
    a whole release series) and becomes the concrete id of the installed version it matches."""
    ids = []
    for vuln_id in accepted:
        if not any(c in vuln_id for c in "*?["):
            ids.append(vuln_id)
            continue
        if not vuln_id.startswith("UNAUDITED-"):
            raise AcceptedListError(f"{vuln_id}: only UNAUDITED-<name>-<version> ids may use a glob")
        ids += sorted(
            f"UNAUDITED-{name}-{version}"
            for name, version in distributions.items()
            if fnmatch.fnmatchcase(f"UNAUDITED-{name}-{version}", vuln_id)
        )
    return ids


def project_name() -> str:
    with (ROOT / "pyproject.toml").open("rb") as f:
        return tomllib.load(f)["project"]["name"]


def warm(bridge: osv_bridge.Bridge) -> None:
    """Fetch every installed distribution's project JSON in parallel (pip-audit then asks one at a time)."""
    if bridge.projects is None:
        return
    projects = bridge.projects
    names = set(installed()) - set(bridge.local)

    def fetch(name: str) -> None:
        with contextlib.suppress(osv_bridge.ProjectUnavailable):  # the query then answers UNAUDITED with the reason
            projects.get(name)

    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(fetch, sorted(names)))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--advisories", type=Path, help="directory of OSV records (the PyPA database's vulns/)")
    parser.add_argument("--pypi-url", default=osv_bridge.PYPI_URL, help="base of PyPI's project JSON API")
    parser.add_argument("--no-pypi", action="store_true", help="do not ask PyPI (only the advisory directory)")
    parser.add_argument("--accepted", type=Path, default=ACCEPTED, help="accepted ids with reasons")
    parser.add_argument("pip_audit_args", nargs="*", help="passed on to pip-audit (after --)")
    args = parser.parse_args(argv)

    try:
        accepted = read_accepted(args.accepted)
        ignore = expand_accepted(accepted, installed())
        bridge = osv_bridge.build(
            advisories=args.advisories,
            pypi_url=None if args.no_pypi else args.pypi_url,
            local=[project_name()],
        )
    except (AcceptedListError, ValueError, OSError) as error:
        print(f"audit: {error}", file=sys.stderr)
        return 2

    started = time.monotonic()
    warm(bridge)
    server, thread = osv_bridge.start(bridge)
    command = [
        str(Path(sys.executable).parent / "pip-audit"),
        "--strict",
        "--vulnerability-service", "osv",
        "--osv-url", server.url,
        "--progress-spinner", "off",
        *(f"--ignore-vuln={vuln_id}" for vuln_id in ignore),
        *args.pip_audit_args,
    ]  # fmt: skip
    print(f"audit: pip-audit against the OSV bridge at {server.url}; ignoring {len(ignore)} accepted ids", flush=True)
    try:
        # A fixed argument list, no shell; the executable is the venv's own pip-audit.
        code = subprocess.run(command, check=False).returncode  # noqa: S603
    finally:
        osv_bridge.stop(server, thread)
    print(bridge.summary())
    stale = sorted(set(ignore) - bridge.reported_ids)
    if args.advisories:  # with the database nothing is UNAUDITED: those acceptances are for runs without it
        stale = [vuln_id for vuln_id in stale if not vuln_id.startswith("UNAUDITED-")]
    for vuln_id in stale:
        print(f"audit: accepted but not reported in this run (remove it from {args.accepted.name}?): {vuln_id}")
    print(f"audit: pip-audit exited {code} after {time.monotonic() - started:.0f} s")
    return code


if __name__ == "__main__":
    sys.exit(main())
