"""`polku hsds export DIR` and `polku hsds import DIR [--accept-partial]`: Open Referral HSDS 3.0 JSON."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from polku.directory.hsds import export_directory
from polku.directory.hsds_import import import_directory


class Command(BaseCommand):
    help = "Export the services directory as HSDS 3.0 JSON, or import an HSDS 3.0 JSON directory."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        export = actions.add_parser("export", help="write taxonomies, organizations, locations and services")
        export.add_argument("directory", type=Path)
        imported = actions.add_parser("import", help="read the files `export` writes; report every bad record")
        imported.add_argument("directory", type=Path)
        imported.add_argument("--accept-partial", action="store_true",
                              help="import the valid records of a file that also has invalid ones")

    def handle(self, *args, **options):
        directory: Path = options["directory"]
        if options["action"] == "export":
            for name, count in export_directory(directory).items():
                self.stdout.write(f"{name}: {count} records")
            self.stdout.write(self.style.SUCCESS(f"HSDS 3.0 export written to {directory}"))
            return
        if not directory.is_dir():
            raise CommandError(f"{directory} is not a directory")
        report = import_directory(directory, accept_partial=options["accept_partial"])
        for line in report.lines():
            self.stdout.write(line)
        if not report.ok:
            raise CommandError("some records failed; see the report above")
        self.stdout.write(self.style.SUCCESS("HSDS 3.0 import complete"))
