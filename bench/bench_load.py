"""Load test: 50 concurrent professionals against gunicorn on loopback, on PostgreSQL with 100 000 simulated
clients (about 2 M path events), and — in the same run — the framework ceiling: a bare Django view through
the same middleware stack, workers and load generator.

Targets (issue 10): scenario throughput ≥ 50 % of the ceiling's, p95 ≤ 100 ms, 0 errors over 5 minutes.
The load database (`polku_bench_load`, or POLKU_LOAD_DATABASE_URL) is filled once and reused; filling it
simulates 100 000 clients (tens of minutes). POLKU_LOAD_SECONDS (default 300) sets the scenario's length,
POLKU_LOAD_CLIENTS the caseload, POLKU_LOAD_USERS the concurrent users (50), POLKU_LOAD_WORKERS the
gunicorn processes. Needs PostgreSQL; without it the benchmark says so and is skipped.
"""

from __future__ import annotations

import csv
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from bench.table import print_table

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
DATABASE_URL = os.environ.get("POLKU_LOAD_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/polku_bench_load")
SECONDS = int(os.environ.get("POLKU_LOAD_SECONDS", "300"))
CEILING_SECONDS = int(os.environ.get("POLKU_LOAD_CEILING_SECONDS", "60"))
USERS = int(os.environ.get("POLKU_LOAD_USERS", "50"))
WORKERS = int(os.environ.get("POLKU_LOAD_WORKERS", str(max(2, (os.cpu_count() or 2) * 2))))
PORT = int(os.environ.get("POLKU_LOAD_PORT", "8765"))
LOGIN_ALLOWANCE = int(os.environ.get("POLKU_LOAD_LOGIN_SECONDS", "45"))


def _ensure_database() -> bool:
    import psycopg

    name = DATABASE_URL.rsplit("/", 1)[1]
    admin = DATABASE_URL.rsplit("/", 1)[0] + "/postgres"
    try:
        with psycopg.connect(admin, autocommit=True, connect_timeout=3) as connection:
            exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
            if not exists:
                connection.execute(f'CREATE DATABASE "{name}"')
    except psycopg.OperationalError as error:
        print(f"load: skipped — PostgreSQL is not reachable at {admin} ({error})")
        return False
    return True


def _environment(var_dir: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update({"DATABASE_URL": DATABASE_URL, "POLKU_VAR_DIR": str(var_dir), "PYTHONPATH": f"{ROOT}:{ROOT / 'src'}",
                "DJANGO_SETTINGS_MODULE": "polku.settings", "POLKU_ENV": "test"})
    return env


def _prepare(var_dir: Path) -> dict:
    info_path = var_dir / "load-info.json"
    subprocess.run([sys.executable, str(ROOT / "bench" / "load" / "prepare.py"), str(info_path)],
                   env=_environment(var_dir), check=True)
    return json.loads(info_path.read_text(encoding="utf-8"))


def _serve(var_dir: Path) -> subprocess.Popen:
    env = _environment(var_dir)
    env.update({"POLKU_ENV": "production", "DJANGO_SETTINGS_MODULE": "bench.load.settings",
                "SECRET_KEY": secrets.token_urlsafe(50), "ALLOWED_HOSTS": "127.0.0.1,localhost"})
    subprocess.run([sys.executable, "-m", "django", "collectstatic", "--noinput", "-v", "0"], env=env, check=True)
    server = subprocess.Popen(
        [str(BIN / "gunicorn"), "polku.wsgi:application", "--workers", str(WORKERS), "--bind", f"127.0.0.1:{PORT}",
         "--access-logfile", "-" if os.environ.get("POLKU_LOAD_ACCESS_LOG") else str(var_dir / "access.log"),
         "--log-level", "warning"],
        env=env, start_new_session=True)
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{PORT}/_bench/ceiling/", timeout=1)  # noqa: S310 (loopback)
            return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise RuntimeError("gunicorn did not start")


def _locust(var_dir: Path, info_path: Path, *, mode: str, seconds: int, think: bool) -> dict:
    prefix = var_dir / f"locust-{mode}-{int(think)}"
    env = dict(os.environ, POLKU_LOAD_INFO=str(info_path), POLKU_LOAD_MODE=mode, POLKU_LOAD_THINK=str(int(think)),
               POLKU_LOAD_USERS=str(USERS), PYTHONPATH=str(ROOT))  # the locustfile imports bench.load.forms
    # The scenario's users log in first and the statistics restart when the last one is in (locustfile): give
    # the logins their own time on top of the measured seconds.
    seconds += LOGIN_ALLOWANCE if mode != "ceiling" else 0
    subprocess.run([str(BIN / "locust"), "-f", str(ROOT / "bench" / "load" / "locustfile.py"), "--headless",
                    "--users", str(USERS), "--spawn-rate", str(max(1, USERS // 5)), "--run-time", f"{seconds}s",
                    "--host", f"http://127.0.0.1:{PORT}", "--csv", str(prefix), "--only-summary",
                    "--loglevel", "WARNING", "--exit-code-on-error", "0", "--reset-stats"], env=env, check=True,
                   stdout=subprocess.DEVNULL)
    with open(f"{prefix}_stats.csv", encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return {"rows": rows, "total": next(r for r in rows if r["Name"] == "Aggregated")}


def run() -> None:
    print("\n## Load: 50 professionals on gunicorn + PostgreSQL vs the bare-view ceiling")
    if shutil.which(str(BIN / "gunicorn")) is None or shutil.which(str(BIN / "locust")) is None:
        print("load: skipped — gunicorn or locust is not installed in the virtualenv")
        return
    if not _ensure_database():
        return
    var_dir = Path(tempfile.mkdtemp(prefix="polku-load-"))
    info = _prepare(var_dir)
    info_path = var_dir / "load-info.json"
    print(f"data: {info['clients']} clients, {info['path_events']} path events, {len(info['workers'])} workers "
          f"logging in; {USERS} users, {WORKERS} gunicorn workers, {os.cpu_count()} CPUs")
    server = _serve(var_dir)
    try:
        # Saturation (no thinking time): the most each can do with the same workers and load generator.
        ceiling = _locust(var_dir, info_path, mode="ceiling", seconds=CEILING_SECONDS, think=False)
        # Not a target of issue 10, a reference: the same bare view for logged-in users, so that the cost of
        # being logged in (session, user) is told apart from the cost of the pages themselves.
        logged_in = _locust(var_dir, info_path, mode="ceiling-logged-in", seconds=CEILING_SECONDS, think=False)
        saturated = _locust(var_dir, info_path, mode="scenario", seconds=CEILING_SECONDS, think=False)
        # The realistic run: 50 professionals thinking 1–3 s between steps, for SECONDS.
        scenario = _locust(var_dir, info_path, mode="scenario", seconds=SECONDS, think=True)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    rows = []
    for label, result, seconds in (("ceiling: bare view, no think time", ceiling, CEILING_SECONDS),
                                   ("bare view, logged in, no think time", logged_in, CEILING_SECONDS),
                                   ("scenario, no think time", saturated, CEILING_SECONDS),
                                   ("scenario, 1–3 s think time", scenario, SECONDS)):
        total = result["total"]
        rows.append([label, f"{seconds} s", total["Request Count"], total["Failure Count"],
                     float(total["Requests/s"]), total["50%"], total["95%"], total["99%"]])
    print_table(["run", "length", "requests", "errors", "req/s", "p50 ms", "p95 ms", "p99 ms"], rows)
    print("\nscenario per request type:")
    print_table(["request", "requests", "errors", "p50 ms", "p95 ms", "p99 ms"],
                [[r["Name"], r["Request Count"], r["Failure Count"], r["50%"], r["95%"], r["99%"]]
                 for r in scenario["rows"] if r["Name"] != "Aggregated" and r["Request Count"] != "0"])
    def share_of(reference: dict) -> float:
        return float(saturated["total"]["Requests/s"]) / max(float(reference["total"]["Requests/s"]), 1e-9)

    print(f"\nsaturated scenario throughput = {share_of(ceiling):.0%} of the ceiling's (target ≥ 50 %), "
          f"{share_of(logged_in):.0%} of the logged-in bare view's; realistic run: "
          f"p95 {scenario['total']['95%']} ms (target ≤ 100 ms); errors {scenario['total']['Failure Count']} "
          f"(target 0)")
    shutil.rmtree(var_dir, ignore_errors=True)
