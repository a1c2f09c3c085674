from django.core.management.base import BaseCommand

from polku.core.production_guard import refuse_in_production
from polku.referrals.demo import load_demo_referral_services


class Command(BaseCommand):
    help = "Load the simulated referral services of Turku / Varsinais-Suomi (labelled demo) and the break rules."

    def handle(self, *args, **options):
        refuse_in_production("load_demo_referral_services")
        services = load_demo_referral_services()
        self.stdout.write(f"Referral services: {len(services)} (demo)")
