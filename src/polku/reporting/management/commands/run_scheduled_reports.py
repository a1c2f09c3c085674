"""`polku run_scheduled_reports [--date YYYY-MM-DD]`: due monthly reports, announced through the outbox."""

from datetime import date

from django.core.management.base import BaseCommand

from polku.reporting.scheduled import run_scheduled_reports


class Command(BaseCommand):
    help = "Generate the previous month's report of every due schedule and announce it. Safe to run daily."

    def add_arguments(self, parser):
        parser.add_argument("--date", type=date.fromisoformat, help="the run's date (default: today)")

    def handle(self, *args, date=None, **options):
        runs = run_scheduled_reports(today=date)
        messages = sum(created for _report, created in runs)
        self.stdout.write(f"scheduled reports: {len(runs)} due, {messages} new messages")
