from django.core.management.base import BaseCommand

from polku.core.services import load_areas


class Command(BaseCommand):
    help = "Load the 5 collaboration areas, 22 wellbeing services areas (+ Åland) and 309 municipalities."

    def handle(self, *args, **options):
        result = load_areas()
        self.stdout.write(f"{result.collaboration_areas} collaboration areas, {result.areas} areas, "
                          f"{result.municipalities} municipalities")
