"""`polku paths analyze FILE [--json OUT] [--html OUT]` and `polku paths export --format xes|ocel --user U OUT`.

`analyze` is a thin wrapper around polku.paths.cli (files only). `export` writes the database's path log,
pseudonymised (the case is the client's database id, never a name), with the engine's writers; it is a
disclosure, so it needs a user allowed to take data out and writes a DisclosureLog row.
"""

from __future__ import annotations

import argparse
import sys
from datetime import UTC
from pathlib import Path

import polars as pl
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from polku import paths
from polku.casework.models import PathEvent
from polku.core.access import record_disclosure
from polku.core.models import User
from polku.paths import cli
from polku.paths.columns import ACTIVITY, CASE, RESOURCE, TIMESTAMP

EXPORT_PERMISSIONS = ("core.review_access_log", "core.request_research_extract")
# The object types of the OCEL export: the path event's subject (object_type/object_id) when it is one of these.
SUBJECT_TYPES = ("referral", "meeting")


def path_log_frame() -> pl.DataFrame:
    """Every path event as an event table: pseudonymous case, activity, time, resource role, organisation, service."""
    rows = list(PathEvent.objects.order_by("client_id", "at", "id").values_list(
        "client_id", "activity", "at", "actor_role", "organisation__name", "service", "object_type", "object_id"))
    columns = list(zip(*rows, strict=True)) if rows else [[] for _ in range(8)]
    client, activity, at, role, organisation, service, object_type, object_id = columns
    return pl.DataFrame({
        CASE: [str(pk) for pk in client],
        ACTIVITY: list(activity),
        # Naive UTC then tagged: polars reads aware datetimes of any zone the same way on every database.
        TIMESTAMP: pl.Series([moment.astimezone(UTC).replace(tzinfo=None) for moment in at],
                             dtype=pl.Datetime("us")).dt.replace_time_zone("UTC"),
        RESOURCE: [value or None for value in role],
        "organisation": [value or None for value in organisation],
        "service": [value or None for value in service],
        **{f"{kind}_id": [oid if otype == kind and oid else None for otype, oid in zip(object_type, object_id,
                                                                                          strict=True)]
           for kind in SUBJECT_TYPES},
    }, schema_overrides={CASE: pl.String, ACTIVITY: pl.String, RESOURCE: pl.String, "organisation": pl.String,
                         "service": pl.String, "referral_id": pl.String, "meeting_id": pl.String})


@transaction.atomic
def export_path_log(*, actor: User, fmt: str, out: Path) -> int:
    """Write the pseudonymised path log as XES or OCEL 2.0 and log the disclosure; returns the number of events."""
    frame = path_log_frame()
    if fmt == "xes":
        paths.write_xes(frame.drop("referral_id", "meeting_id"), out)
    else:
        log = paths.events_to_ocel(frame.rename({CASE: "client_id"}), objects=[
            paths.ObjectColumn("client_id", "client"), paths.ObjectColumn("referral_id", "referral"),
            paths.ObjectColumn("service", "service"), paths.ObjectColumn("meeting_id", "meeting")])
        paths.write_ocel(log, out)
    record_disclosure(actor=actor, recipient=str(out), purpose="process mining export", channel="export",
                      client_id=None, content=f"pseudonymised path log: {frame.height} events")
    return frame.height


class Command(BaseCommand):
    help = ("Service paths (process mining): `polku paths analyze FILE [--json OUT] [--html OUT]`; "
            "`polku paths export --format xes|ocel --user USERNAME OUT`.")
    # `analyze` reads files, never the database or URLs: Django's system checks would only slow it down.
    requires_system_checks = []

    def add_arguments(self, parser):
        cli.add_arguments(parser)
        commands = next(action for action in parser._actions if isinstance(action, argparse._SubParsersAction))
        export = commands.add_parser("export", help="write the database's pseudonymised path log as XES or OCEL 2.0")
        export.add_argument("out", help="the file to write (.xes/.xes.gz; OCEL: .json, .xml or .sqlite)")
        export.add_argument("--format", dest="export_format", choices=("xes", "ocel"), required=True)
        export.add_argument("--user", dest="username", required=True,
                            help="who takes the data out (needs the access-log review or research-extract right)")

    def handle(self, *args, **options):
        if options["paths_command"] == "export":
            return self._export(options)
        code = cli.run(argparse.Namespace(**options), out=self.stdout, err=self.stderr)
        if code:
            sys.exit(code)

    def _export(self, options) -> None:
        user = User.objects.filter(username=options["username"], is_active=True).first()
        if user is None or not any(user.has_perm(name) for name in EXPORT_PERMISSIONS):
            raise CommandError(f"user {options['username']!r} may not export the path log "
                               "(needs the access-log review or research-extract permission)")
        out = Path(options["out"])
        if options["export_format"] == "ocel" and not out.name.lower().endswith(
                (".json", ".jsonocel", ".xml", ".xmlocel", ".sqlite", ".sqlite3", ".db")):
            raise CommandError("an OCEL file name must end in .json, .xml or .sqlite")
        count = export_path_log(actor=user, fmt=options["export_format"], out=out)
        self.stdout.write(f"wrote {count} events to {out}")
