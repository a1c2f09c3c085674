"""`polku send_outbox [--console] [--loop SECONDS]`: deliver the pending outbox messages that are due."""

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import InterfaceError, OperationalError, close_old_connections

from polku.interpreting.outbox import ConsoleBackend, deliver_pending


class Command(BaseCommand):
    help = "Deliver pending interpreting messages through the configured outbox backend."

    def add_arguments(self, parser):
        parser.add_argument("--console", action="store_true", help="print the messages instead")
        # A service that keeps running costs one start of Django, not one per minute (several seconds of CPU
        # each): the way to run it with POLKU_OUTBOX_BACKEND=email, where it is what sends (decision 024).
        parser.add_argument("--loop", type=float, default=0, metavar="SECONDS",
                            help="Run again every SECONDS until stopped (0: once).")

    def handle(self, *args, console=False, loop: float = 0, **options):
        if loop < 0:
            raise CommandError("--loop must be 0 (once) or a number of seconds")
        while True:
            if not loop:
                sent, failed = deliver_pending(backend=ConsoleBackend(self.stdout) if console else None)
                self.stdout.write(f"outbox: {sent} sent, {failed} failed")
                return
            # As a request does: a connection the database dropped (a restart) is replaced, not reused.
            close_old_connections()
            try:
                sent, failed = deliver_pending(backend=ConsoleBackend(self.stdout) if console else None)
            except (OperationalError, InterfaceError) as error:  # the loop outlives a database outage
                self.stderr.write(f"outbox: the database is unavailable ({error}); trying again in {loop:g} s")
            else:
                if sent or failed:
                    self.stdout.write(f"outbox: {sent} sent, {failed} failed")
            time.sleep(loop)
