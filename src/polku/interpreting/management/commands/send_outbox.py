"""`polku send_outbox [--console]`: deliver pending outbox messages (the file backend by default)."""

from django.core.management.base import BaseCommand

from polku.interpreting.outbox import ConsoleBackend, deliver_pending


class Command(BaseCommand):
    help = "Deliver pending interpreting messages through the configured outbox backend."

    def add_arguments(self, parser):
        parser.add_argument("--console", action="store_true", help="print the messages instead")

    def handle(self, *args, console=False, **options):
        sent, failed = deliver_pending(backend=ConsoleBackend(self.stdout) if console else None)
        self.stdout.write(f"outbox: {sent} sent, {failed} failed")
