"""Machinery for the server fault tests (test_faults_server.py): a private PostgreSQL cluster, Polku under
gunicorn on it, logged-in users sending requests from threads, and the invariant queries.

The private cluster keeps the machine's shared PostgreSQL (port 5432, used by other tests) out of harm's way:
it is the one these tests stop, restart and leave half-way through transactions. Run as a script, this module
fills a database: `python -m tests.security.fault_server fill <out.json>` (DATABASE_URL set).
"""

from __future__ import annotations

import glob
import http.client
import json
import os
import pwd
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
CLIENTS = 30
SEED = 5150
PASSWORD = "polku-faults-2026"  # noqa: S105 -- a throw-away cluster of simulated people
TAG_PREFIX = "fault-test"
SUCCESS = {200, 302}


def postgres_bin() -> Path | None:
    """The newest PostgreSQL server binaries on this machine (Debian's layout), or None."""
    for candidate in sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(Path(p).parent.name),
                            reverse=True):
        if (Path(candidate) / "initdb").exists() and (Path(candidate) / "pg_ctl").exists():
            return Path(candidate)
    found = shutil.which("initdb")
    return Path(found).parent if found and shutil.which("pg_ctl") else None


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class PrivateCluster:
    """A PostgreSQL cluster of the test's own, on a free port, with its socket and data in a temporary directory.

    initdb refuses to run as root, so as root the cluster belongs to the `postgres` system user (runuser).
    """

    def __init__(self, bin_dir: Path):
        self.bin_dir = bin_dir
        self.port = free_port()
        self.root = Path(tempfile.mkdtemp(prefix="polku-faults-pg-"))
        self.data = self.root / "data"
        self.log = self.root / "server.log"
        self.as_user: str | None = None
        if os.geteuid() == 0:
            self.as_user = "postgres"
            account = pwd.getpwnam(self.as_user)
            os.chown(self.root, account.pw_uid, account.pw_gid)

    @staticmethod
    def problem(bin_dir: Path | None) -> str | None:
        """Why a private cluster cannot be made here, or None."""
        if bin_dir is None:
            return "no PostgreSQL server binaries (initdb, pg_ctl) under /usr/lib/postgresql/*/bin or on PATH"
        if os.geteuid() == 0:
            try:
                pwd.getpwnam("postgres")
            except KeyError:
                return "running as root, and there is no `postgres` user to run initdb as (it refuses root)"
            if shutil.which("runuser") is None:
                return "running as root without `runuser` to start PostgreSQL as the postgres user"
        return None

    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        command = [str(self.bin_dir / args[0]), *args[1:]]
        if self.as_user:
            command = ["runuser", "-u", self.as_user, "--", *command]
        return subprocess.run(command, check=check, capture_output=True, text=True, timeout=120)

    def init(self) -> None:
        self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres", "-E", "UTF8", "--locale=C.UTF-8",
                  "--no-sync")

    def start(self) -> None:
        # fsync off: these tests stop PostgreSQL cleanly or kill its clients, never the machine under it.
        options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=40"
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-o", options, "-w", "-t", "60", "start")

    def stop(self, mode: str = "fast") -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "-t", "60", "stop")

    def url(self, database: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def create_database(self, name: str) -> None:
        import psycopg

        with psycopg.connect(self.url("postgres"), autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')

    def destroy(self) -> None:
        if self.data.exists():
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop", check=False)
        shutil.rmtree(self.root, ignore_errors=True)


def environment(database_url: str, var_dir: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env.update({"DATABASE_URL": database_url, "POLKU_VAR_DIR": str(var_dir), "PYTHONUNBUFFERED": "1",
                "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "src"), env.get("PYTHONPATH", "")]),
                "POLKU_ENV": "test", "DJANGO_SETTINGS_MODULE": "polku.settings", **extra})
    return env


def fill(database_url: str, var_dir: Path) -> dict:
    """Migrate the database and simulate a small caseload in a subprocess; returns who may log in, and their work."""
    out = var_dir / "fault-info.json"
    done = subprocess.run([sys.executable, "-m", "tests.security.fault_server", "fill", str(out)],
                          env=environment(database_url, var_dir), cwd=ROOT, capture_output=True, text=True,
                          timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(out.read_text(encoding="utf-8"))


def _fill_main(out: str) -> None:
    import django

    django.setup()
    from django.contrib.auth.hashers import PBKDF2PasswordHasher
    from django.core.management import call_command

    from polku.api.services import create_personal_token
    from polku.casework.models import CareTeamMembership
    from polku.core.models import User
    from polku.core.services import load_areas
    from polku.demo.simulator import simulate_caseload

    call_command("migrate", verbosity=0)
    load_areas()
    simulate_caseload(clients=CLIENTS, seed=SEED, until=date.today() - timedelta(days=1))
    # The production server knows no test-profile MD5 hashes: a hash it accepts.
    hasher = PBKDF2PasswordHasher()
    User.objects.update(password=hasher.encode(PASSWORD, hasher.salt()))
    teams: dict[int, list[int]] = {}
    for client_id, worker_id in CareTeamMembership.objects.filter(ended_at__isnull=True).values_list(
            "client_id", "worker_id"):
        teams.setdefault(client_id, []).append(worker_id)
    by_worker: dict[str, list[dict]] = {}
    for membership in CareTeamMembership.objects.filter(ended_at__isnull=True).select_related("worker"):
        by_worker.setdefault(membership.worker.username, []).append(
            {"id": membership.client_id, "team": sorted(teams[membership.client_id])})
    # The workers with the most clients, each with clients whose whole care team is known (the pair records).
    workers = sorted(by_worker, key=lambda name: (-len(by_worker[name]), name))[:4]
    token = create_personal_token(actor=User.objects.get(username=workers[0]), name="fault tests",
                                  scopes=["clients:read"])
    info = {"workers": [{"username": name, "clients": by_worker[name]} for name in workers],
            "password": PASSWORD, "token": token.secret}
    Path(out).write_text(json.dumps(info), encoding="utf-8")


# --- Polku under gunicorn ---------------------------------------------------------------------------

class Server:
    """gunicorn with the production profile (tests.security.fault_server_settings), in its own process group."""

    def __init__(self, database_url: str, var_dir: Path, *, workers: int = 2, secret_key: str = ""):
        self.port = free_port()
        # A restarted server keeps its key, as a deployment does (sessions are signed with it).
        self.secret_key = secret_key or secrets.token_urlsafe(50)
        self.base = f"http://127.0.0.1:{self.port}"
        env = environment(database_url, var_dir, POLKU_ENV="production",
                          DJANGO_SETTINGS_MODULE="tests.security.fault_server_settings",
                          SECRET_KEY=self.secret_key, ALLOWED_HOSTS="127.0.0.1,localhost")
        self.log = open(var_dir / f"gunicorn-{self.port}.log", "w+", encoding="utf-8")  # noqa: SIM115
        self.process = subprocess.Popen(
            [str(BIN / "gunicorn"), "polku.wsgi:application", "--workers", str(workers), "--bind",
             f"127.0.0.1:{self.port}", "--timeout", "30", "--graceful-timeout", "5", "--log-level", "warning"],
            env=env, cwd=ROOT, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True)
        self.workers = workers

    def wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.process.poll() is None, f"gunicorn exited: {self.log_text()[-3000:]}"
            try:
                # The readiness probe a load balancer would use (core.health): database reachable, schema complete.
                if Browser(self.base).get("/health/ready/").status == 200 and len(self.worker_pids()) == self.workers:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise AssertionError(f"gunicorn did not start: {self.log_text()[-3000:]}")

    def worker_pids(self) -> set[int]:
        path = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        try:
            return {int(pid) for pid in path.read_text().split()}
        except OSError:
            return set()

    def wait_for_workers(self, *, without: set[int], timeout: float = 30) -> set[int]:
        """The worker PIDs once the master has `self.workers` of them again, none of them in `without`."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            pids = self.worker_pids()
            if len(pids) == self.workers and not pids & without:
                return pids
            time.sleep(0.05)
        raise AssertionError(f"gunicorn did not replace its workers: {self.worker_pids()}")

    def kill_all(self) -> None:
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=30)
        self.log.close()

    def log_text(self) -> str:
        if not self.log.closed:
            self.log.flush()
        return Path(self.log.name).read_text(encoding="utf-8", errors="replace")


# --- a user with a browser's cookies ------------------------------------------------------------------

@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: str


class Browser:
    """A minimal cookie-keeping HTTP client on http.client: every failure below HTTP shows as an OSError."""

    def __init__(self, base: str, language: str = ""):
        self.point_to(base)
        self.cookies: dict[str, str] = {"polku_language": language} if language else {}
        self.bearer = ""

    def point_to(self, base: str) -> None:
        """Send the next requests to another server (keeping the cookies: the session lives in the database)."""
        parsed = urllib.parse.urlsplit(base)
        self.host, self.port, self.base = parsed.hostname, parsed.port, base

    def request(self, method: str, path: str, data: dict | None = None) -> Answer:
        headers = {"Referer": self.base + path}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if self.bearer:
            headers["Authorization"] = f"Bearer {self.bearer}"
        body = None
        if data is not None:
            body = urllib.parse.urlencode(data, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["X-CSRFToken"] = self.cookies.get("polku_csrf", "")
        connection = http.client.HTTPConnection(self.host, self.port, timeout=60)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            text = response.read().decode("utf-8", errors="replace")
            for name, value in response.getheaders():
                if name.lower() == "set-cookie":
                    cookie_name, _sep, rest = value.partition("=")
                    self.cookies[cookie_name] = rest.split(";", 1)[0]
            return Answer(response.status, {k.lower(): v for k, v in response.getheaders()}, text)
        finally:
            connection.close()

    def get(self, path: str) -> Answer:
        return self.request("GET", path)

    def post(self, path: str, data: dict) -> Answer:
        return self.request("POST", path, data)

    def log_in(self, username: str, password: str) -> None:
        self.get("/kirjaudu/")
        answer = self.post("/kirjaudu/", {"username": username, "password": password})
        assert answer.status == 302, f"login of {username} failed: {answer.status} {answer.body[:500]}"


# --- load from threads ------------------------------------------------------------------------------

@dataclass
class Outcome:
    started: float
    ended: float
    kind: str  # "my clients", "client page", "record meeting", "api"
    status: int | None  # None: no HTTP answer at all (connection refused or reset)
    error: str = ""
    content_type: str = ""
    retry_after: str = ""
    location: str = ""
    body: str = ""
    tag: str = ""
    thread: int = 0


@dataclass
class Load:
    """Threads of logged-in users repeating my clients, a client page, recording a meeting and an API read."""

    base: str
    info: dict
    languages: tuple[str, ...] = ("fi", "sv", "en", "fi")
    write_every: int = 3
    outcomes: list[Outcome] = field(default_factory=list)
    stop_event: threading.Event = field(default_factory=threading.Event)
    threads: list[threading.Thread] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    browsers: list[Browser] = field(default_factory=list)

    def log_in(self, browsers: list[Browser] | None = None) -> None:
        if browsers is not None:
            self.browsers = browsers
            return
        for worker, language in zip(self.info["workers"], self.languages, strict=False):
            browser = Browser(self.base, language)
            browser.log_in(worker["username"], self.info["password"])
            self.browsers.append(browser)

    def start(self) -> None:
        self.stop_event.clear()
        self.threads = [threading.Thread(target=self._run, args=(number,), daemon=True)
                        for number in range(len(self.browsers))]
        for thread in self.threads:
            thread.start()

    def stop(self) -> None:
        self.stop_event.set()
        for thread in self.threads:
            thread.join(timeout=90)

    def _record(self, outcome: Outcome) -> None:
        with self.lock:
            self.outcomes.append(outcome)

    def _call(self, number: int, kind: str, call, tag: str = "") -> None:
        started = time.monotonic()
        try:
            answer = call()
        except OSError as error:  # refused, reset, or closed without an answer
            self._record(Outcome(started, time.monotonic(), kind, None, error=type(error).__name__, tag=tag,
                                 thread=number))
            time.sleep(0.05)
            return
        failed = answer.status not in SUCCESS
        self._record(Outcome(started, time.monotonic(), kind, answer.status,
                             content_type=answer.headers.get("content-type", ""),
                             retry_after=answer.headers.get("retry-after", ""),
                             location=answer.headers.get("location", ""),
                             body=answer.body if failed else "", tag=tag, thread=number))

    def _run(self, number: int) -> None:
        browser = self.browsers[number]
        worker = self.info["workers"][number]
        api = Browser(self.base)
        api.bearer = self.info["token"]
        step = 0
        while not self.stop_event.is_set():
            step += 1
            client = worker["clients"][step % len(worker["clients"])]
            self._call(number, "my clients", lambda: browser.get("/asiakastyo/"))
            self._call(number, "client page", lambda client=client: browser.get(f"/asiakastyo/{client['id']}/"))
            if step % self.write_every == 0:
                tag = f"{TAG_PREFIX}-{number}-{step}-{secrets.token_hex(3)}"
                self._call(number, "record meeting", lambda client=client, tag=tag: browser.post(
                    f"/asiakastyo/{client['id']}/tapaamiset/uusi/", meeting_form(client, tag)), tag=tag)
            if number == 0:
                self._call(number, "api", lambda: api.get("/api/v1/clients?lang=fi"))

    def snapshot(self) -> list[Outcome]:
        with self.lock:
            return list(self.outcomes)


def meeting_form(client: dict, tag: str) -> dict:
    """A held meeting of yesterday with the whole care team (always a valid first meeting too), tagged by place."""
    return {"outcome": "held", "date": (date.today() - timedelta(days=1)).isoformat(), "start_time": "09:00",
            "end_time": "10:00", "place": "office", "place_detail": tag, "participants": client["team"],
            "interpreter_language": "", "interpreter_name": ""}


# --- the database after the fault -------------------------------------------------------------------

def meeting_rows(database_url: str, tags: list[str]) -> dict[str, dict]:
    """Per tag: how many meetings carry it, and the rows that must come with each (participants, work time,
    path event)."""
    import psycopg

    with psycopg.connect(database_url) as db:
        rows = db.execute(
            """SELECT m.place_detail, m.id,
                      (SELECT count(*) FROM casework_meetingparticipant p WHERE p.meeting_id = m.id
                              AND p.kind = 'worker'),
                      (SELECT count(*) FROM casework_worktime w WHERE w.meeting_id = m.id),
                      (SELECT count(*) FROM casework_pathevent e WHERE e.object_type = 'meeting'
                              AND e.object_id = m.id::text)
               FROM casework_meeting m WHERE m.place_detail = ANY(%s)""", [tags]).fetchall()
    found: dict[str, dict] = {tag: {"meetings": 0} for tag in tags}
    for tag, meeting_id, participants, work_time, events in rows:
        entry = found[tag]
        entry["meetings"] += 1
        entry.update(id=meeting_id, participants=participants, work_time=work_time, path_events=events)
    return found


INVARIANTS = {
    "meeting without a worker taking part":
        """SELECT count(*) FROM casework_meeting m WHERE NOT EXISTS (SELECT 1 FROM casework_meetingparticipant p
           WHERE p.meeting_id = m.id AND p.kind = 'worker')""",
    "meeting without its path event":
        """SELECT count(*) FROM casework_meeting m WHERE NOT EXISTS (SELECT 1 FROM casework_pathevent e
           WHERE e.object_type = 'meeting' AND e.object_id = m.id::text)""",
    "path event of a meeting that does not exist":
        """SELECT count(*) FROM casework_pathevent e WHERE e.object_type = 'meeting'
           AND NOT EXISTS (SELECT 1 FROM casework_meeting m WHERE m.id::text = e.object_id)""",
    "held meeting whose work time is not one row per worker":
        """SELECT count(*) FROM casework_meeting m WHERE m.outcome = 'held' AND m.actual_minutes IS NOT NULL
           AND (SELECT count(*) FROM casework_worktime w WHERE w.meeting_id = m.id)
            <> (SELECT count(*) FROM casework_meetingparticipant p WHERE p.meeting_id = m.id AND p.kind = 'worker')""",
}


def invariant_violations(database_url: str) -> dict[str, int]:
    """Each whole-database invariant of recorded meetings and the number of rows breaking it (all should be 0)."""
    import psycopg

    with psycopg.connect(database_url) as db:
        return {name: db.execute(query).fetchone()[0] for name, query in INVARIANTS.items()}


def other_sessions(database_url: str) -> int:
    """Backends of this database other than the asking one (the killed server's, until PostgreSQL notices)."""
    import psycopg

    with psycopg.connect(database_url) as db:
        return db.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                          "AND pid <> pg_backend_pid()").fetchone()[0]


def summary(outcomes: list[Outcome]) -> str:
    counts: dict[str, int] = {}
    for outcome in outcomes:
        key = f"{outcome.kind}: {outcome.status or outcome.error}"
        counts[key] = counts.get(key, 0) + 1
    return ", ".join(f"{key} ×{n}" for key, n in sorted(counts.items()))


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


if __name__ == "__main__":
    if sys.argv[1:2] == ["fill"]:
        _fill_main(sys.argv[2])
    else:
        raise SystemExit("usage: python -m tests.security.fault_server fill <out.json>")
