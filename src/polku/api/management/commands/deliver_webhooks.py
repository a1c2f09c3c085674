"""polku deliver_webhooks: send the due webhook deliveries once, or keep doing it with --loop."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand
from django.db import InterfaceError, OperationalError, close_old_connections

from polku.api.webhooks import deliver_due


class Command(BaseCommand):
    help = "Send due webhook deliveries (signed), retrying failures with exponential backoff."

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=100, help="At most this many per round.")
        parser.add_argument("--timeout", type=float, default=10.0, help="Seconds to wait for each receiver.")
        parser.add_argument("--loop", type=float, default=0, metavar="SECONDS",
                            help="Run again every SECONDS until stopped (0: once).")

    def handle(self, *args, limit: int, timeout: float, loop: float, **options):
        while True:
            if loop:
                # As a request does: a connection the database dropped (a restart) is replaced, not reused.
                close_old_connections()
            try:
                report = deliver_due(limit=limit, timeout=timeout)
            except (OperationalError, InterfaceError) as error:
                if not loop:
                    raise
                # The loop outlives a database outage; the deliveries wait in the database meanwhile.
                self.stderr.write(f"webhooks: the database is unavailable ({error}); trying again in {loop:g} s")
            else:
                self.stdout.write(f"delivered {report.delivered}, retrying {report.retried}, gave up {report.failed}")
            if not loop:
                return
            time.sleep(loop)
