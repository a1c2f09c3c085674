"""`polku hsds export DIR [--format json|csv]` and `polku hsds import DIR [--accept-partial]`: Open Referral
HSDS 3.0 as JSON files or as the tabular CSV package (the import recognises which one DIR holds)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from polku.directory.hsds import export_directory, export_records
from polku.directory.hsds_import import import_directory
from polku.directory.hsds_tabular import write_package


class Command(BaseCommand):
    help = "Export the services directory as HSDS 3.0 JSON, or import an HSDS 3.0 JSON directory."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        export = actions.add_parser("export", help="write taxonomies, organizations, locations and services")
        export.add_argument("directory", type=Path)
        export.add_argument("--format", choices=("json", "csv"), default="json",
                            help="json: one file per top-level object; csv: the HSDS tabular package")
        imported = actions.add_parser("import", help="read the files `export` writes; report every bad record")
        imported.add_argument("directory", type=Path)
        imported.add_argument("--accept-partial", action="store_true",
                              help="import the valid records of a file that also has invalid ones")

    def handle(self, *args, **options):
        directory: Path = options["directory"]
        if options["action"] == "export" and options["format"] == "csv":
            records = export_records()
            for name, count in write_package(records, directory).items():
                self.stdout.write(f"{name}: {count} rows")
            self.stdout.write(self.style.SUCCESS(f"HSDS 3.0 tabular package written to {directory}"))
            return
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
