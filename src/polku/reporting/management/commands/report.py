"""`polku report <kind> ...`: reports from the command line. Kinds are sub-commands; today: `steering`.

    polku report steering --organisation ORG --from YYYY-MM-DD --to YYYY-MM-DD --format html|pdf|xlsx --out FILE
        [--team TEAM] [--compare] [--language fi|sv|en]

ORG is an organisation's id or exact name; TEAM a team's id or exact name within it. Unusable input: one line on
stderr naming the option, exit status 2.
"""

from __future__ import annotations

import logging
from datetime import date
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from polku.casework.models import Team
from polku.core.errors import DomainError
from polku.core.models import Organisation

log = logging.getLogger("polku.reporting")
FORMATS = ("html", "pdf", "xlsx")


def _date(option: str, value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--{option}: not a date (YYYY-MM-DD): {value!r}", returncode=2) from None


def _by_id_or_name(model, value: str, option: str, **filters):
    objects = model.objects.filter(**filters)
    found = objects.filter(pk=int(value)) if value.isdigit() else objects.filter(name=value)
    matches = list(found[:2])
    if len(matches) != 1:
        what = "no" if not matches else "more than one"
        raise CommandError(f"--{option}: {what} {model._meta.verbose_name} matches {value!r}", returncode=2)
    return matches[0]


class Command(BaseCommand):
    help = "Produce a report from the command line (kinds: steering)."

    def add_arguments(self, parser: CommandParser) -> None:
        # Each report kind is a sub-command with its own options; a new kind adds a parser and a handler here.
        kinds = parser.add_subparsers(dest="kind", title="report kinds", required=True)
        steering = kinds.add_parser("steering", help="the steering-group report (aggregates, small numbers hidden)")
        steering.add_argument("--organisation", required=True, help="organisation id or exact name")
        steering.add_argument("--team", default="", help="team id or exact name (default: all teams)")
        steering.add_argument("--from", dest="period_start", required=True, help="first day, YYYY-MM-DD")
        steering.add_argument("--to", dest="period_end", required=True, help="last day, YYYY-MM-DD")
        steering.add_argument("--format", choices=FORMATS, default="html")
        steering.add_argument("--out", required=True, help="file to write")
        steering.add_argument("--compare", action="store_true", help="beside the previous period of equal length")
        steering.add_argument("--language", default=settings.LANGUAGE_CODE[:2],
                              choices=[code for code, _name in settings.LANGUAGES])

    def handle(self, *args, **options) -> None:
        if options["kind"] == "steering":
            self._steering(options)

    def _steering(self, options: dict) -> None:
        from polku.reporting.steering.render import render_html, render_pdf, render_xlsx
        from polku.reporting.steering.report import build_steering_report

        start, end = _date("from", options["period_start"]), _date("to", options["period_end"])
        organisation = _by_id_or_name(Organisation, options["organisation"], "organisation")
        team = _by_id_or_name(Team, options["team"], "team", organisation=organisation) if options["team"] else None
        out = Path(options["out"])
        if not out.parent.is_dir():
            raise CommandError(f"--out: no such directory: {out.parent}", returncode=2)
        try:
            report = build_steering_report(organisation=organisation, team=team, period_start=start, period_end=end,
                                           compare=options["compare"], language=options["language"])
        except DomainError as error:
            option = {"period_end": "to", "period_start": "from"}.get(error.field or "", error.field or "")
            raise CommandError(f"--{option}: {error.message}", returncode=2) from error
        log.info("steering report (%s) generated from the command line: organisation %s, %s..%s",
                 options["format"], organisation.pk, start, end)
        rendered = {"html": render_html, "pdf": render_pdf, "xlsx": render_xlsx}[options["format"]](report)
        if isinstance(rendered, str):
            out.write_text(rendered, encoding="utf-8")
        else:
            out.write_bytes(rendered)
        self.stdout.write(f"Wrote {out} ({options['format']}, {start}..{end}"
                          f"{', no data in the period' if report.is_empty else ''})")
