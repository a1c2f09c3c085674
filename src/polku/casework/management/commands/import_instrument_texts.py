"""`polku import_instrument_texts --instrument RHS-15 --organisation "<name>" FILE.json`.

The file is a JSON object {language: {linkId: text}}, supplied by an organisation that holds the
instrument's licence. Every problem ends the command with one line that names it; nothing is stored then.
"""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from polku.casework.services.screening import import_instrument_texts
from polku.core.errors import DomainError
from polku.core.models import Organisation


class Command(BaseCommand):
    help = "Import an organisation's licensed item texts of a screening instrument (RHS-15, RHS-13, PROTECT)."

    def add_arguments(self, parser):
        parser.add_argument("file", help="JSON file: {language: {linkId: text}}")
        parser.add_argument("--instrument", required=True, help="instrument code, e.g. RHS-15")
        parser.add_argument("--organisation", required=True, help="name of the organisation holding the licence")

    def handle(self, *args, **options):
        path = Path(options["file"])
        organisation = self._organisation(options["organisation"])
        try:
            texts = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise CommandError(f"{path}: no such file") from None
        except UnicodeDecodeError:
            raise CommandError(f"{path}: not UTF-8 text") from None
        except json.JSONDecodeError as error:
            raise CommandError(f"{path}: not valid JSON (line {error.lineno}, column {error.colno}: "
                               f"{error.msg})") from None
        try:
            stored = import_instrument_texts(organisation=organisation, instrument_code=options["instrument"],
                                             texts=texts, source=path.name)
        except DomainError as error:
            raise CommandError(f"{path}: {error.message}") from None
        imported = sum(len(by_item) for by_item in texts.values())
        self.stdout.write(f"imported {imported} texts of {stored.instrument.upper()} in "
                          f"{', '.join(sorted(texts))} for {organisation.name}; stored languages: "
                          f"{', '.join(sorted(stored.texts))}")

    def _organisation(self, name: str) -> Organisation:
        matches = list(Organisation.objects.filter(name=name)[:3])
        if not matches:
            raise CommandError(f"--organisation: no organisation named {name!r}")
        if len(matches) > 1:
            raise CommandError(f"--organisation: several organisations are named {name!r}; rename one to tell "
                               f"them apart")
        return matches[0]
