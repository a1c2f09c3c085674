"""In-process cost of each page of the load scenario: median time, queries and Python calls per request.

Run against the load database that bench_load filled (or any Polku database with simulated workers):

    POLKU_LOAD_DATABASE_URL=postgres://postgres@127.0.0.1:5432/polku_bench_load \
        .venv/bin/python bench/load/page_costs.py [requests per page, default 60]

Django's test client against the load test's production-profile settings: no network, no load generator, so
the figures say what each page costs the server alone. Queries and calls per request do not depend on the
machine's load; the milliseconds do (compare trees in the same session). It writes what the scenario writes:
access-log rows, and the meetings and bookings of the two POST rows.

The process starts as a served one does (polku.wsgi, whose start freezes the startup objects for the garbage
collector); POLKU_PAGE_COSTS_UNFROZEN=1 skips that, to see what the freeze saves. "GC ms" is the time spent in
the collector per request, whichever request it lands on; "SQL ms" the median time inside the database driver's
execute calls (round trips and PostgreSQL's work; the ORM's building of the SQL and of the objects is outside).
"""

from __future__ import annotations

import cProfile
import gc
import os
import pstats
import random
import secrets
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT), str(ROOT / "src")]
os.environ.setdefault("DATABASE_URL", os.environ.get(
    "POLKU_LOAD_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/polku_bench_load"))
os.environ.update({"POLKU_ENV": "production", "DJANGO_SETTINGS_MODULE": "bench.load.settings",
                   "ALLOWED_HOSTS": "127.0.0.1,localhost"})
os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
os.environ.setdefault("POLKU_VAR_DIR", tempfile.mkdtemp(prefix="polku-page-costs-"))  # collected static files



class _CollectorClock:
    """Time spent in the garbage collector while active (gc.callbacks)."""

    def __init__(self):
        self.seconds = 0.0
        self._started = 0.0

    def _callback(self, phase: str, _info: dict) -> None:
        if phase == "start":
            self._started = time.perf_counter()
        else:
            self.seconds += time.perf_counter() - self._started

    def __enter__(self):
        gc.callbacks.append(self._callback)
        return self

    def __exit__(self, *_exc):
        gc.callbacks.remove(self._callback)


class _DriverClock:
    """Time inside the database driver's execute calls (a connection.execute_wrapper): Django's captured
    queries carry their times rounded to the millisecond, too coarse for sub-millisecond statements."""

    def __init__(self):
        self.seconds = 0.0

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - started


def _calls(client, url: str) -> int:
    profile = cProfile.Profile()
    profile.enable()
    client.get(url)
    profile.disable()
    return pstats.Stats(profile).total_calls


def main(requests_per_page: int) -> None:
    import django

    django.setup()
    if not os.environ.get("POLKU_PAGE_COSTS_UNFROZEN"):
        import polku.wsgi  # noqa: F401 -- a served process's start, the freeze included
    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Count
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from bench.load.forms import SEARCH_WORDS, booking_data, meeting_data
    from bench.table import print_table
    from polku.casework.models import CareTeamMembership
    from polku.core.models import User

    call_command("collectstatic", interactive=False, verbosity=0)  # the production profile's manifest
    caseloads = list(CareTeamMembership.objects.filter(ended_at__isnull=True).values("worker")
                     .annotate(clients=Count("client")).order_by("clients", "worker"))
    if not caseloads:
        raise SystemExit("page_costs: the database has no care teams; fill it with bench/load/prepare.py first")
    # A worker with the median caseload: the load scenario's users are all the workers with clients.
    worker = User.objects.get(pk=caseloads[len(caseloads) // 2]["worker"])
    clients = list(CareTeamMembership.objects.filter(worker=worker, ended_at__isnull=True)
                   .values_list("client_id", flat=True))
    random.seed(7)
    client = Client(HTTP_HOST="127.0.0.1")  # the load settings allow loopback only
    client.force_login(worker)
    pages = {
        "bare view, logged in": lambda: "/_bench/ceiling-logged-in/",
        "my clients": lambda: "/asiakastyo/",
        "client page": lambda: f"/asiakastyo/{random.choice(clients)}/",
        "directory search": lambda: f"/hakemisto/?q={random.choice(SEARCH_WORDS)}",
        "record-meeting form": lambda: f"/asiakastyo/{random.choice(clients)}/tapaamiset/uusi/",
        "booking form": lambda: f"/tulkkaus/asiakas/{random.choice(clients)}/uusi/",
    }
    rows = []
    for name, url in pages.items():
        for _ in range(5):  # warm caches and connections
            client.get(url())
        times, queries, database = [], [], []
        with _CollectorClock() as collector:
            for _ in range(requests_per_page):
                address = url()
                driver = _DriverClock()
                with CaptureQueriesContext(connection) as captured, connection.execute_wrapper(driver):
                    started = time.perf_counter()
                    response = client.get(address)
                    times.append((time.perf_counter() - started) * 1000)
                if response.status_code != 200:
                    raise SystemExit(f"page_costs: {address} answered {response.status_code}")
                queries.append(len(captured.captured_queries))
                database.append(driver.seconds * 1000)
        calls = statistics.median(_calls(client, url()) for _ in range(5))
        rows.append([name, f"{statistics.median(times):.1f}", f"{statistics.mean(times):.1f}",
                     f"{collector.seconds * 1000 / requests_per_page:.2f}", f"{statistics.median(database):.1f}",
                     f"{statistics.mean(queries):.1f}",
                     f"{calls / 1000:.1f} k"])
    # The two saves of the scenario, each filled from its form as the load users fill it. The booking service
    # refuses a language that the demo centre lacks (the form again, with that error): counted apart.
    posts = {
        "record meeting (POST)": (lambda: f"/asiakastyo/{random.choice(clients)}/tapaamiset/uusi/",
                                  lambda html: meeting_data(html, held_on=date.today() - timedelta(days=3))),
        "book interpreter (POST)": (lambda: f"/tulkkaus/asiakas/{random.choice(clients)}/uusi/",
                                    lambda html: booking_data(html, day=date.today() + timedelta(days=14))),
    }
    for name, (url, fill) in posts.items():
        measured: dict[int, list[tuple[float, int]]] = {302: [], 200: []}
        for _ in range(requests_per_page):
            address = url()
            data = fill(client.get(address).content.decode())
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                response = client.post(address, data)
                elapsed = (time.perf_counter() - started) * 1000
            if response.status_code not in measured:
                raise SystemExit(f"page_costs: POST {address} answered {response.status_code}")
            measured[response.status_code].append((elapsed, len(captured.captured_queries)))
        for status, label in ((302, "saved"), (200, "refused")):
            if measured[status]:
                times = [t for t, _ in measured[status]]
                queries = [q for _, q in measured[status]]
                rows.append([f"{name}, {label} ({len(times)})", f"{statistics.median(times):.1f}",
                             f"{statistics.mean(times):.1f}", "—", "—", f"{statistics.mean(queries):.1f}", "—"])
    print(f"{connection.vendor} {connection.settings_dict['NAME']}, worker {worker.username} "
          f"({len(clients)} clients), {requests_per_page} requests per page")
    print(f"startup objects frozen for the collector: {gc.get_freeze_count()}")
    print_table(["page", "median ms", "mean ms", "GC ms", "SQL ms", "queries", "Python calls"], rows)
    if os.environ.get("POLKU_PAGE_QUERIES"):  # the SQL of one request to the page named there
        with CaptureQueriesContext(connection) as captured:
            client.get(pages[os.environ["POLKU_PAGE_QUERIES"]]())
        for query in captured.captured_queries:
            print(f"{query['time']} {query['sql'][:120]} ... {query['sql'][-330:]}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 60)
