"""`polku client_export CLIENT --reason TEXT --by USER --out FILE`: a client's data as JSON (GDPR art. 15/20)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from polku.core.errors import DomainError
from polku.core.models import User
from polku.lifecycle.services import export_client_data


class Command(BaseCommand):
    help = "Export everything Polku holds about one client as JSON; logged as an export and a disclosure."

    def add_arguments(self, parser):
        parser.add_argument("client", type=int)
        parser.add_argument("--reason", required=True, help="the request this answers")
        parser.add_argument("--by", required=True, help="username of the data controller")
        parser.add_argument("--out", type=Path, required=True)

    def handle(self, *args, **options):
        actor = User.objects.filter(username=options["by"], is_active=True).first()
        if actor is None:
            raise CommandError(f"no active user {options['by']!r}")
        try:
            document = export_client_data(actor=actor, client_id=options["client"], reason=options["reason"])
        except DomainError as error:
            raise CommandError(str(error.message)) from error
        options["out"].write_text(document, encoding="utf-8")
        self.stdout.write(self.style.SUCCESS(f"written {options['out']} ({len(document)} characters)"))
