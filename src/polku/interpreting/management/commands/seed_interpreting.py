"""`polku seed_interpreting --organisation NAME --user USERNAME`: demo interpreting data for the claim."""

from datetime import date, timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from polku.core.models import Organisation, User
from polku.core.production_guard import refuse_in_production
from polku.interpreting.demo import seed_interpreting_demo


class Command(BaseCommand):
    help = "Create a demo interpreter centre, interpreters and a past quarter of bookings for an organisation."

    def add_arguments(self, parser):
        parser.add_argument("--organisation", required=True, help="name of the ordering organisation")
        parser.add_argument("--user", required=True, help="username recorded as the requester")
        parser.add_argument("--start", type=date.fromisoformat, help="period start (default: 120 days ago)")
        parser.add_argument("--seed", type=int, default=20260101)

    def handle(self, *args, organisation, user, start=None, seed=20260101, **options):
        refuse_in_production("seed_interpreting")
        org = Organisation.objects.filter(name=organisation).first()
        actor = User.objects.filter(username=user).first()
        if org is None or actor is None:
            raise CommandError("unknown organisation or user")
        start = start or timezone.localdate() - timedelta(days=120)
        result = seed_interpreting_demo(organisation=org, created_by=actor, period_start=start, seed=seed)
        self.stdout.write(f"seeded: {result.interpreters} interpreters, {result.clients} clients, "
                          f"{result.bookings} bookings, {result.costs} other costs (period from {start}, seed {seed})")
