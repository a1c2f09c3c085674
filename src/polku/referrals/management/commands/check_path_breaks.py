from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from polku.referrals.services.breaks import expire_referrals, record_breaks


class Command(BaseCommand):
    help = "Expire referrals nobody moved, then record where clients' paths are broken (run daily)."

    def add_arguments(self, parser):
        parser.add_argument("--today", help="the day to check as, YYYY-MM-DD (default: today in Finland)")

    def handle(self, *args, **options):
        today = timezone.localdate()
        if options["today"]:
            try:
                today = date.fromisoformat(options["today"])
            except ValueError as error:
                raise CommandError(f"--today must be a date as YYYY-MM-DD, not {options['today']!r}") from error
        expired = expire_referrals(today=today)
        run = record_breaks(today=today)
        self.stdout.write(f"{today.isoformat()}: {expired} referrals expired; breaks opened {run.opened}, "
                          f"still open {run.still_open}, resolved {run.resolved}")
