"""`polku simulate --clients N --seed S [--until YYYY-MM-DD] [--teams T] [--append]`."""

from __future__ import annotations

import sys
from datetime import date

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from polku.core.errors import DomainError
from polku.core.production_guard import refuse_in_production
from polku.demo.simulator import DEFAULT_UNTIL, MAX_CLIENTS, simulate_caseload


class Command(BaseCommand):
    help = ("Simulate a deterministic, fictional caseload (PPMM model) straight into the database. "
            "Refuses when simulated clients exist already, unless --append (then the seed must be new).")

    def add_arguments(self, parser):
        # Parsed as text and checked in handle(), so every bad value gets one line naming the option.
        parser.add_argument("--clients", required=True, help=f"number of clients, 1–{MAX_CLIENTS}")
        parser.add_argument("--seed", default="1", help="random seed (an integer); same seed, same database")
        parser.add_argument("--until", default=DEFAULT_UNTIL.isoformat(),
                            help=f"the simulated 'now', YYYY-MM-DD (default {DEFAULT_UNTIL.isoformat()})")
        parser.add_argument("--teams", default=None, help="number of teams (default: about four pairs per team)")
        parser.add_argument("--append", action="store_true",
                            help="add to a database that already holds simulated clients (needs a new seed)")
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")

    def handle(self, *args, **options):
        refuse_in_production("simulate")
        clients = _integer(options["clients"], "--clients")
        seed = _integer(options["seed"], "--seed")
        teams = None if options["teams"] is None else _integer(options["teams"], "--teams")
        try:
            until = date.fromisoformat(options["until"])
        except ValueError:
            raise CommandError(f"--until must be a date YYYY-MM-DD, not {options['until']!r}") from None
        bar = tqdm(total=clients, unit="client", file=sys.stderr, disable=options["no_progress"], leave=False)
        try:
            result = simulate_caseload(clients=clients, seed=seed, until=until, teams=teams, append=options["append"],
                                       progress=bar.update)
        except DomainError as exc:
            option = f"--{exc.field} " if exc.field else ""
            raise CommandError(f"{option}{exc.message}") from None
        finally:
            bar.close()
        self.stdout.write(result.summary())


def _integer(raw: str, option: str) -> int:
    try:
        return int(str(raw).strip())
    except ValueError:
        raise CommandError(f"{option} must be a whole number, not {raw!r}") from None
