"""`polku send_reminders [--day YYYY-MM-DD]`: reminders for tomorrow's confirmed bookings, through the outbox."""

from datetime import date

from django.core.management.base import BaseCommand

from polku.interpreting.outbox import deliver_pending
from polku.interpreting.services.dispatch import send_reminders


class Command(BaseCommand):
    help = "Send reminders for the confirmed interpreter bookings of tomorrow (or --day). Safe to run twice."

    def add_arguments(self, parser):
        parser.add_argument("--day", type=date.fromisoformat, help="the day of the bookings (default: tomorrow)")

    def handle(self, *args, day=None, **options):
        created = send_reminders(day=day)
        sent, failed = deliver_pending()
        self.stdout.write(f"reminders: {created} new; outbox: {sent} sent, {failed} failed")
