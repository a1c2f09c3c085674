from datetime import timedelta

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.utils import timezone

from polku.casework.models import Client
from polku.core import two_factor
from polku.core.models import User
from polku.core.production_guard import refuse_in_production
from polku.core.services import load_areas
from polku.demo.organisations import DEMO_PASSWORD, create_demo_users, load_demo_organisations
from polku.demo.simulator import simulate_caseload
from polku.directory.loader import load_directory_facts
from polku.interpreting.demo import seed_interpreting_demo
from polku.interpreting.models import Booking
from polku.network.demo import seed_network_demo
from polku.referrals.demo import load_demo_referral_services
from polku.trainings.demo import seed_trainings_demo

DEMO_CLIENTS = 300
DEMO_SEED = 2016  # PPMM started in 2016; any fixed seed gives the same caseload for the same day


class Command(BaseCommand):
    help = "Set up the demo database (migrate, real areas, demo users, simulated caseload) and serve it."

    def add_arguments(self, parser):
        parser.add_argument("--no-serve", action="store_true", help="set up only; do not start the server")
        parser.add_argument("--addrport", default="127.0.0.1:8000")

    def handle(self, *args, **options):
        refuse_in_production("demo")
        self.stdout.write("Migrating the database ...")
        call_command("migrate", verbosity=0)
        result = load_areas()
        self.stdout.write(f"Areas: {result.collaboration_areas} collaboration areas, {result.areas} areas, "
                          f"{result.municipalities} municipalities")
        organisations = load_demo_organisations()
        logins = create_demo_users(organisations=organisations)
        # Two-step login stays on in the demo: the demo users share a published authenticator key.
        two_factor.enroll_demo_users(User.objects.filter(username__in=[login.username for login in logins]))
        self.stdout.write(load_directory_facts().summary())
        self.stdout.write(seed_network_demo().summary())
        self.stdout.write(seed_trainings_demo(
            organiser=User.objects.get(username="koordinaattori"),
            participants=[User.objects.get(username=name)
                          for name in ("hoitaja", "ohjaaja", "psykologi", "laakari", "tiiminvetaja")]).summary())
        self.stdout.write(f"Referral services: {len(load_demo_referral_services())} simulated services in Turku")
        if not Client.objects.exists():
            # Up to today, so the caseload, to-do list and planned meetings are current in the demo.
            self.stdout.write(f"Simulating a caseload of {DEMO_CLIENTS} fictional clients ...")
            result = simulate_caseload(clients=DEMO_CLIENTS, seed=DEMO_SEED, until=timezone.localdate())
            self.stdout.write(result.summary())
        if not Booking.objects.exists():
            # A past quarter of interpreter bookings for the state-compensation claim and the dispatcher's queue.
            seeded = seed_interpreting_demo(organisation=organisations["unit"],
                                            created_by=User.objects.get(username="hoitaja"),
                                            period_start=timezone.localdate() - timedelta(days=120), seed=20260101)
            self.stdout.write(f"Interpreting: {seeded.interpreters} interpreters, {seeded.bookings} bookings")
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"Demo logins (password for all: {DEMO_PASSWORD})"))
        width = max(len(login.username) for login in logins)
        for login in logins:
            self.stdout.write(f"  {login.username.ljust(width)}  {login.role} — {login.description}")
        self.stdout.write(f"Two-step login: the verification page shows the demo code; to use an authenticator app "
                          f"instead, add the key {two_factor.DEMO_TOTP_SECRET} (time-based, 6 digits).")
        self.stdout.write("")
        if options["no_serve"]:
            return
        host = options["addrport"]
        self.stdout.write(self.style.SUCCESS(f"Polku is served on http://{host}/ (Ctrl+C stops it)"))
        call_command("runserver", host, use_reloader=False)
