"""Server fault tests: PostgreSQL restarted under load, and kill -9 of the application server under load.

Both run Polku under gunicorn (2 workers, the production profile) on a private PostgreSQL cluster of their own
(tests/security/fault_server.py), never on the machine's shared one, with four logged-in users requesting pages,
recording meetings and reading the API from threads. Figures are printed (run with -s) and recorded in
docs/security/fault-tests.md.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

import pytest
from django.db import OperationalError
from django.urls import include, path

from tests.security import fault_server as fs

DATABASE = "polku_faults"
RECOVERY_SECONDS = 10  # from PostgreSQL accepting connections again to Polku answering again
OUTAGE_SECONDS = 3
# The heading of the 503 page in each user's language (literal: an oracle independent of the catalogues).
HEADINGS = {"fi": "Palvelu on tilapäisesti poissa käytöstä", "sv": "Tjänsten är tillfälligt otillgänglig",
            "en": "Service temporarily unavailable"}


@pytest.fixture(scope="module")
def cluster():
    bin_dir = fs.postgres_bin()
    reason = fs.PrivateCluster.problem(bin_dir)
    if reason:
        pytest.skip(reason)
    private = fs.PrivateCluster(bin_dir)
    var_dir = Path(tempfile.mkdtemp(prefix="polku-faults-var-"))
    try:
        private.init()
        private.start()
        private.create_database(DATABASE)
        started = time.monotonic()
        info = fs.fill(private.url(DATABASE), var_dir)
        print(f"\nprivate cluster on port {private.port}: migrated and {fs.CLIENTS} clients simulated in "
              f"{time.monotonic() - started:.1f} s")
        yield private, info, var_dir
    finally:
        private.destroy()
        shutil.rmtree(var_dir, ignore_errors=True)


@pytest.fixture(scope="module")
def server(cluster):
    """One gunicorn for the module (the kill test ends it), so that its start is paid once."""
    private, _info, var_dir = cluster
    running = fs.Server(private.url(DATABASE), var_dir)
    try:
        running.wait_ready()
        yield running
    finally:
        running.stop()


@pytest.fixture(scope="module")
def browsers(cluster, server) -> list[fs.Browser]:
    """The four users, logged in once (a login costs a deliberately slow password hash)."""
    _private, info, _var_dir = cluster
    load = fs.Load(server.base, info)
    load.log_in()
    return load.browsers


def wait_until(condition, *, timeout: float, step: float = 0.1) -> float:
    """Seconds until condition() holds; fails after timeout."""
    started = time.monotonic()
    while not condition():
        assert time.monotonic() - started < timeout, "timed out"
        time.sleep(step)
    return time.monotonic() - started


def assert_writes_whole(database_url: str, writes: list[fs.Outcome]) -> dict[str, int]:
    """Each attempted meeting exists whole (its participants, work time and path event) or not at all; one
    confirmed by a redirect exists. Returns counts for the figures."""
    rows = fs.meeting_rows(database_url, [write.tag for write in writes])
    counts = {"attempted": len(writes), "saved": 0, "not saved": 0}
    for write in writes:
        found = rows[write.tag]
        assert found["meetings"] <= 1, (write, found)
        if write.status == 302:
            assert re.fullmatch(r"/asiakastyo/\d+/", write.location), write  # to the client, not to the login
            assert found["meetings"] == 1, f"a confirmed meeting is missing: {write}"
        if found["meetings"]:
            counts["saved"] += 1
            assert found["participants"] == 2 and found["work_time"] == 2 and found["path_events"] == 1, found
        else:
            counts["not saved"] += 1
    assert fs.invariant_violations(database_url) == dict.fromkeys(fs.INVARIANTS, 0)
    return counts


@pytest.mark.slow
def test_postgresql_restarted_under_load_gives_clean_503s_and_polku_recovers_without_a_restart(cluster, server,
                                                                                              browsers):
    private, info, _var_dir = cluster
    url = private.url(DATABASE)
    pids_before = (server.process.pid, server.worker_pids())
    load = fs.Load(server.base, info)
    load.log_in(browsers)
    load.start()
    try:
        time.sleep(3)
        down = time.monotonic()
        private.stop("fast")  # what `systemctl restart postgresql` does: sessions ended, transactions rolled back
        probe = fs.Browser(server.base)  # a load balancer's health checks (core.health), without cookies
        probes_down = (probe.get("/health/live/"), probe.get("/health/ready/"))
        time.sleep(OUTAGE_SECONDS)
        private.start()
        up = time.monotonic()

        def recovered() -> bool:
            kinds = {o.kind for o in load.snapshot() if o.started > up and o.status in fs.SUCCESS}
            return kinds >= {"my clients", "client page", "record meeting", "api"}

        wait_until(recovered, timeout=30)
        time.sleep(2)
        probe_up = probe.get("/health/ready/")
    finally:
        load.stop()
    outcomes = load.snapshot()
    print("\n" + fs.summary(outcomes))
    failed = [o for o in outcomes if o.status not in fs.SUCCESS]

    # (1) Clean failures only: a 503 in the user's language with Retry-After, never a 500 or a dropped connection.
    assert [o for o in outcomes if o.status is None] == [], "a connection was refused or reset"
    assert {o.status for o in outcomes} <= {200, 302, 503}, fs.summary(outcomes)
    assert failed, "the restart did not show: no request failed while PostgreSQL was down"
    assert all(o.started < up for o in failed) and all(o.ended > down for o in failed)
    for outcome in failed:
        assert outcome.retry_after == "5"
        if outcome.kind == "api":
            problem = json.loads(outcome.body)
            assert outcome.content_type.startswith("application/problem+json")
            assert (problem["status"], problem["code"]) == (503, "database_unavailable")
            assert problem["title"] == HEADINGS["fi"]  # ?lang=fi
        else:
            language = load.languages[outcome.thread]
            assert outcome.content_type.startswith("text/html")
            assert f'<html lang="{language}">' in outcome.body
            assert f"<h1>{HEADINGS[language]}</h1>" in outcome.body, fs.text_of(outcome.body)
            assert 'role="alert"' in outcome.body
    languages_seen = {load.languages[o.thread] for o in failed if o.kind != "api"}

    # (1b) The probes: the process is alive (restarting it would not help), but not ready while the database is away.
    live, ready = probes_down
    assert (live.status, json.loads(live.body)) == (200, {"status": "ok"})
    assert (ready.status, json.loads(ready.body)) == (503, {"status": "unavailable",
                                                            "checks": {"database": "unreachable"}})
    assert ready.headers["retry-after"] == "5"
    assert (probe_up.status, json.loads(probe_up.body)["status"]) == (200, "ok")

    # (2) Back within RECOVERY_SECONDS, with the same gunicorn master and workers (no restart of Polku).
    first_success = min(o.ended for o in outcomes if o.started > up and o.status in fs.SUCCESS)
    assert first_success - up < RECOVERY_SECONDS
    assert [o for o in outcomes if o.started > first_success and o.status not in fs.SUCCESS] == []
    assert (server.process.pid, server.worker_pids()) == pids_before

    # (3) No partial rows: every meeting in flight exists whole or not at all.
    writes = [o for o in outcomes if o.kind == "record meeting"]
    counts = assert_writes_whole(url, writes)
    failed_writes = fs.meeting_rows(url, [o.tag for o in writes if o.status not in fs.SUCCESS])
    print(f"PostgreSQL restart: {len(outcomes)} requests, {len(failed)} failed while it was down "
          f"(statuses {sorted({o.status for o in failed})}, pages in {sorted(languages_seen)}, "
          f"{sum(o.kind == 'api' for o in failed)} API problem answers); outage {up - down:.1f} s; first success "
          f"{first_success - up:.2f} s after PostgreSQL was back; same PIDs {pids_before}; meetings {counts}, "
          f"of the {len(failed_writes)} failed writes {sum(r['meetings'] for r in failed_writes.values())} saved whole")


OUTBOX_INSERT = """INSERT INTO interpreting_outboxmessage (kind, recipient_kind, recipient_address, language, subject,
    body, html_body, ics, link, created_at, attempts, last_error)
    VALUES ('reminder', 'worker', '', 'fi', %s, 'fault test', '', '', '', now(), 0, '') RETURNING id"""


def outbox_sent(database_url: str, message_id: int) -> bool:
    import psycopg

    try:
        with psycopg.connect(database_url, connect_timeout=2) as db:
            row = db.execute("SELECT sent_at FROM interpreting_outboxmessage WHERE id = %s", [message_id]).fetchone()
    except psycopg.OperationalError:
        return False
    return row is not None and row[0] is not None


def add_outbox_message(database_url: str, subject: str) -> int:
    import psycopg

    with psycopg.connect(database_url) as db:
        return db.execute(OUTBOX_INSERT, [subject]).fetchone()[0]


@pytest.mark.slow
def test_the_delivery_loops_outlive_a_postgresql_restart_and_send_what_came_after_it(cluster):
    """`send_outbox --loop` and `deliver_webhooks --loop` run as services (deploy/systemd/): a database restart
    must not end them (systemd would restart them, but the outbox would then wait for that)."""
    private, _info, var_dir = cluster
    url = private.url(DATABASE)
    logs = {name: open(var_dir / f"{name}.log", "w+", encoding="utf-8")  # noqa: SIM115
            for name in ("outbox", "webhooks")}
    commands = {"outbox": ["send_outbox", "--loop", "0.3"], "webhooks": ["deliver_webhooks", "--loop", "0.3"]}
    loops = {name: subprocess.Popen([str(fs.BIN / "polku"), *argv], env=fs.environment(url, var_dir), cwd=fs.ROOT,
                                    stdout=logs[name], stderr=subprocess.STDOUT, start_new_session=True)
             for name, argv in commands.items()}
    try:
        before = add_outbox_message(url, "before the restart")
        first = wait_until(lambda: outbox_sent(url, before), timeout=60)
        private.stop("fast")
        time.sleep(OUTAGE_SECONDS)
        private.start()
        up = time.monotonic()
        after = add_outbox_message(url, "after the restart")
        wait_until(lambda: outbox_sent(url, after), timeout=30)
        resumed = time.monotonic() - up
        webhooks_log = var_dir / "webhooks.log"

        def webhooks_went_on() -> bool:  # a round after its last "unavailable" line (its rounds are 0.3 s apart)
            logs["webhooks"].flush()
            return "delivered 0" in webhooks_log.read_text(encoding="utf-8").rsplit("database is unavailable", 1)[-1]

        wait_until(webhooks_went_on, timeout=30)
        assert {name: loop.poll() for name, loop in loops.items()} == {"outbox": None, "webhooks": None}
    finally:
        for loop in loops.values():
            if loop.poll() is None:
                os.killpg(loop.pid, signal.SIGTERM)
            loop.wait(timeout=30)
        for log in logs.values():
            log.close()
    text = {name: (var_dir / f"{name}.log").read_text(encoding="utf-8") for name in logs}
    assert "outbox: the database is unavailable" in text["outbox"], text["outbox"][-2000:]
    assert "webhooks: the database is unavailable" in text["webhooks"], text["webhooks"][-2000:]
    assert "Traceback" not in text["outbox"] + text["webhooks"]
    # The webhook loop went on with its rounds after the restart.
    assert text["webhooks"].rsplit("database is unavailable", 1)[1].count("delivered 0") >= 1
    written = sorted(path.name for path in (var_dir / "outbox").glob("*-reminder-worker.txt"))
    assert any(f"-{before:08d}-" in name for name in written) and any(f"-{after:08d}-" in name for name in written)
    print(f"\ndelivery loops: first message sent after {first:.1f} s; after a {OUTAGE_SECONDS} s outage, the next "
          f"one {resumed:.1f} s after PostgreSQL was back; both loops still the same processes")


@pytest.mark.slow
def test_kill_9_of_a_worker_and_then_of_the_whole_server_under_load_loses_at_most_the_requests_in_flight(
        cluster, server, browsers):
    private, info, var_dir = cluster
    url = private.url(DATABASE)
    load = fs.Load(server.base, info, write_every=1)
    load.log_in(browsers)
    load.start()
    try:
        time.sleep(3)
        victim = min(server.worker_pids())
        killed = time.monotonic()
        os.kill(victim, signal.SIGKILL)
        workers_after = server.wait_for_workers(without={victim})
        respawned = time.monotonic()
        time.sleep(3)
    finally:
        load.stop()
    outcomes = load.snapshot()
    print("\n" + fs.summary(outcomes))
    failed = [o for o in outcomes if o.status not in fs.SUCCESS]
    # A sync worker serves one request at a time: at most that one is lost, as a dropped connection.
    assert len(failed) <= 1, fs.summary(failed)
    assert all(o.status is None and o.started < killed < o.ended for o in failed), failed
    assert [o for o in outcomes if o.started > respawned and o.status not in fs.SUCCESS] == []
    assert server.process.poll() is None and len(workers_after) == 2
    worker_counts = assert_writes_whole(url, [o for o in outcomes if o.kind == "record meeting"])
    print(f"kill -9 of worker {victim}: {len(outcomes)} requests, {len(failed)} failed "
          f"({[o.error for o in failed]}); replaced in {respawned - killed:.2f} s by {workers_after - {victim}}; "
          f"meetings {worker_counts}")

    # The whole server (master and workers) killed in the middle of writes, then started again.
    everything = fs.Load(server.base, info, write_every=1)
    everything.log_in(browsers)
    everything.start()
    try:
        time.sleep(2)
        killing = time.monotonic()
        server.kill_all()
        killed = time.monotonic()
        time.sleep(0.5)
    finally:
        everything.stop()
    settled = wait_until(lambda: fs.other_sessions(url) == 0, timeout=30)
    # Only what was under way at the kill (or sent after it) may have failed, and only as a dropped connection.
    sent = everything.snapshot()
    in_flight = [o for o in sent if o.started < killed and o.ended > killing]
    assert all(o.status in fs.SUCCESS for o in sent if o.ended < killing), fs.summary(sent)
    assert all(o.status is None for o in sent if o.started > killed), fs.summary(sent)
    assert all(o.status is None or o.status in fs.SUCCESS for o in in_flight), fs.summary(in_flight)
    writes = [o for o in sent if o.kind == "record meeting" and o.started < killed]
    kill_counts = assert_writes_whole(url, writes)
    lost = sorted(o.kind for o in in_flight if o.status is None)
    in_flight_writes = fs.meeting_rows(url, [o.tag for o in in_flight if o.kind == "record meeting"])

    again = fs.Server(url, var_dir, secret_key=server.secret_key)
    try:
        again.wait_ready()
        for browser in browsers:
            browser.point_to(again.base)  # the same sessions: they live in the database
        afterwards = fs.Load(again.base, info, write_every=1)
        afterwards.log_in(browsers)
        afterwards.start()
        time.sleep(3)
        afterwards.stop()
    finally:
        again.stop()
    served = afterwards.snapshot()
    assert served and all(o.status in fs.SUCCESS for o in served), fs.summary(served)
    assert any(o.kind == "record meeting" and o.status == 302 for o in served)
    after_counts = assert_writes_whole(url, [o for o in served if o.kind == "record meeting"])
    print(f"kill -9 of master and workers: {sum(o.ended < killed for o in sent)} requests answered before, "
          f"{len(lost)} in flight lost ({lost}; of the writes, "
          f"{sum(r['meetings'] for r in in_flight_writes.values())} committed whole before the kill); "
          f"PostgreSQL ended the killed sessions in {settled:.2f} s; "
          f"meetings {kill_counts}; invariants "
          f"{fs.invariant_violations(url)}; restarted server: {len(served)} requests all answered "
          f"({fs.summary(served)}), meetings {after_counts}")


# --- The 503 itself, fast (the slow tests above show it with a real outage) ----------------------------

def unreachable_database_view(request):
    """A stand-in for any view at the moment PostgreSQL goes away (the message psycopg gives then)."""
    raise OperationalError("connection to server at \"127.0.0.1\", port 5432 failed: Connection refused")


def failing_view(request):
    raise ValueError("a bug, not an outage")


urlpatterns = [path("test-unreachable/", unreachable_database_view), path("test-bug/", failing_view),
               path("", include("polku.urls"))]


@pytest.mark.urls("tests.security.test_faults_server")
@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_an_unreachable_database_is_a_503_page_in_the_users_language_with_retry_after(client, language):
    client.raise_request_exception = False
    client.cookies["polku_language"] = language
    response = client.get("/test-unreachable/")
    body = response.content.decode()
    assert response.status_code == 503
    assert response["Retry-After"] == "5" and response["Cache-Control"] == "no-store"
    assert f'<html lang="{language}">' in body and f"<h1>{HEADINGS[language]}</h1>" in body
    assert 'role="alert"' in body and "5432" not in body  # the driver's message stays in the log


@pytest.mark.urls("tests.security.test_faults_server")
def test_another_server_error_stays_a_500(client):
    client.raise_request_exception = False
    assert client.get("/test-bug/").status_code == 500


@pytest.mark.django_db
def test_database_errors_inside_the_api_are_a_503_problem_and_other_errors_a_500_problem():
    """The API catches its own exceptions (ninja), so the middleware never sees them: its handlers must map them."""
    from django.test import RequestFactory

    from polku.api.urls import api

    request = RequestFactory().get("/api/v1/clients", HTTP_ACCEPT_LANGUAGE="sv")
    response = api.on_exception(request, OperationalError("server closed the connection unexpectedly"))
    problem = json.loads(response.content)
    assert response.status_code == 503 and response["Retry-After"] == "5"
    assert response["Content-Type"].startswith("application/problem+json")
    assert (problem["code"], problem["title"]) == ("database_unavailable", HEADINGS["sv"])
    assert api.on_exception(request, KeyError("bug")).status_code == 500


def test_database_errors_inside_the_fhir_facade_are_a_503_operation_outcome():
    """The FHIR views catch every exception themselves (never an HTML 500): an outage is 'transient', 503."""
    from django.test import RequestFactory

    from polku.api.fhir.views import fhir_endpoint

    @fhir_endpoint
    def view(request):
        raise OperationalError("server closed the connection unexpectedly")

    @fhir_endpoint
    def buggy(request):
        raise KeyError("bug")

    response = view(RequestFactory().get("/fhir/Patient", HTTP_ACCEPT="application/fhir+json"))
    outcome = json.loads(response.content)
    assert response.status_code == 503 and response["Retry-After"] == "5"
    assert outcome["resourceType"] == "OperationOutcome" and outcome["issue"][0]["code"] == "transient"
    assert buggy(RequestFactory().get("/fhir/Patient")).status_code == 500
