"""`polku check_consultations`: reminders before the response target, escalation past it. Safe to run repeatedly."""

from django.core.management.base import BaseCommand

from polku.network.services import check_consultations


class Command(BaseCommand):
    help = "Send consultation reminders and escalate unanswered requests past their target to national level."

    def handle(self, *args, **options):
        self.stdout.write(check_consultations().summary())
