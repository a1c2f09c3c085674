"""Fill the load-test database once: 100 000 simulated clients (about 2 M path events), the directory,
interpreters, and passwords for the simulated workers. Run by bench_load in a subprocess with the load
database's DATABASE_URL; a database that is already filled is reused (the check is the client count)."""

from __future__ import annotations

import json
import os
import sys
import time
from datetime import date

CLIENTS = int(os.environ.get("POLKU_LOAD_CLIENTS", "100000"))
SEED = 424242
PASSWORD = "polku-load-2026"  # noqa: S105 -- loopback-only database of simulated people


def main(out: str) -> None:
    import django
    from django.conf import settings

    django.setup()
    # Server-side parameter binding: psycopg's client-side quoting of bulk inserts' values dominated the
    # fill (36 s vs 15 s per 1 000 clients measured on 2 cores); only this loader uses it.
    settings.DATABASES["default"].setdefault("OPTIONS", {})["server_side_binding"] = True
    from django.core.management import call_command
    from django.db import connection
    from tqdm import tqdm

    from polku.casework.models import CareTeamMembership, Client, PathEvent
    from polku.core.models import User
    from polku.core.services import load_areas

    call_command("migrate", verbosity=0)
    if Client.objects.count() < CLIENTS:
        if Client.objects.exists():
            raise SystemExit("the load database holds a different caseload; drop it and run again")
        load_areas()
        from polku.demo.organisations import create_demo_users, load_demo_organisations
        from polku.demo.simulator import simulate_caseload
        from polku.directory.loader import load_directory_facts
        from polku.interpreting.demo import seed_interpreting_demo
        from polku.referrals.demo import load_demo_referral_services

        organisations = load_demo_organisations()
        create_demo_users(organisations=organisations)
        load_directory_facts()
        load_demo_referral_services()
        started = time.perf_counter()
        with tqdm(total=CLIENTS, unit="client", desc="simulating", file=sys.stderr) as bar:
            result = simulate_caseload(clients=CLIENTS, seed=SEED, until=date(2026, 11, 1),
                                       progress=bar.update)  # called with each batch's size
        print(f"simulated {result.clients} clients, {result.path_events} path events in "
              f"{time.perf_counter() - started:.0f} s", file=sys.stderr)
        seed_interpreting_demo(organisation=organisations["unit"], created_by=User.objects.get(username="hoitaja"),
                               period_start=date(2026, 8, 1), seed=20260101)
        # Planner statistics and a vacuumed heap for the freshly loaded tables, as a production database has
        # them once autovacuum has passed: without VACUUM the first reads of every page set its rows' hint
        # bits (writes) and index-only scans visit the heap, so a run right after the fill would measure the
        # fill's aftermath.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM (ANALYZE)")
    _production_passwords(User)
    workers = (CareTeamMembership.objects.filter(ended_at__isnull=True).values_list("worker__username", flat=True)
               .distinct())
    info = {"clients": Client.objects.count(), "path_events": PathEvent.objects.count(),
            "workers": sorted(set(workers)), "password": PASSWORD}
    with open(out, "w", encoding="utf-8") as handle:
        json.dump(info, handle)


def _production_passwords(user_model) -> None:
    """Every user's password hashed as the production server checks it. This loader runs in the test
    profile, whose fast hasher the production profile does not accept; a database filled before this
    check is mended here too."""
    from django.conf import global_settings
    from django.utils.module_loading import import_string

    hasher = import_string(global_settings.PASSWORD_HASHERS[0])()
    sample = user_model.objects.order_by("pk").values_list("password", flat=True).first() or ""
    if not sample.startswith(f"{hasher.algorithm}$") or not hasher.verify(PASSWORD, sample):
        user_model.objects.update(password=hasher.encode(PASSWORD, hasher.salt()))


if __name__ == "__main__":
    main(sys.argv[1])
