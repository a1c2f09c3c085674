"""`polku paths analyze FILE [--json OUT] [--html OUT]`: a thin wrapper around polku.paths.cli."""

import argparse
import sys

from django.core.management.base import BaseCommand

from polku.paths import cli


class Command(BaseCommand):
    help = "Service paths (process mining): `polku paths analyze FILE [--json OUT] [--html OUT]`."
    # It reads files, never the database or URLs: Django's system checks would only slow it down.
    requires_system_checks = []

    def add_arguments(self, parser):
        cli.add_arguments(parser)

    def handle(self, *args, **options):
        code = cli.run(argparse.Namespace(**options), out=self.stdout, err=self.stderr)
        if code:
            sys.exit(code)
