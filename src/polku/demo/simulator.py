"""Deterministic caseload simulator: realistic, fictional client work following the PPMM model.

`simulate_caseload` writes straight through the ORM in batches (bulk_create), not through the
casework services: those log every access as a real user's, and a loader is no user. It writes the
same kinds of rows the services write — clients with languages and legal-status history, care-team
pairs, meetings with participants and work time, notes, screenings scored by the instrument engine,
service plans, referral journeys (sim_referrals: consent, sending, the service's answers, breaks), and a path
event for every step with the step's own time.

Everything derives from ``random.Random(seed)`` and the fixed ``until`` date (the simulated "now"),
never from the clock, so one seed always gives the same database (see `database_digest`).
"""

from __future__ import annotations

import random
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db import transaction

from polku.casework.instruments import load_instrument
from polku.casework.models import Client, PathEvent, PathEventKind
from polku.casework.workdays import is_working_day
from polku.core.errors import DomainError
from polku.core.models import Municipality
from polku.demo.sim_batch import OFFICE_START, Batch, local, working_day_on_or_after
from polku.demo.sim_digest import database_digest
from polku.demo.sim_journey import Journey, RunState
from polku.demo.sim_people import ORIGINS, make_client, weighted
from polku.demo.sim_records import GAD7, PCL5, PHQ9
from polku.demo.sim_referrals import ReferralJourney, load_services
from polku.demo.sim_world import World, build_interpreter_pools, build_world, default_team_count, plan_layout

__all__ = ["DEFAULT_UNTIL", "MAX_CLIENTS", "SimulationResult", "database_digest", "simulate_caseload",
           "simulated_seeds", "validate_options"]

DEFAULT_UNTIL = date(2026, 11, 1)  # fixed, so runs are reproducible whatever day they run on
MAX_CLIENTS = 200_000
MAX_TEAMS = 1_000
WINDOW_DAYS = 730  # clients registered over the two years before `until`
CLIENT_BATCH = 500  # clients per bulk write; bounds memory whatever the run size
EARLIEST_UNTIL, LATEST_UNTIL = date(2000, 1, 1), date(2099, 12, 31)


@dataclass(frozen=True)
class SimulationResult:
    seed: int
    until: date
    clients: int
    teams: int
    workers: int
    meetings: int
    notes: int
    screenings: int
    path_events: int
    seconds: float
    rows: dict[str, int]
    referrals: int = 0

    def summary(self) -> str:
        """The one-line summary the commands print."""
        return (f"Simulated {self.clients} clients (seed {self.seed}, until {self.until.isoformat()}): "
                f"{self.teams} teams, {self.meetings} meetings, {self.notes} notes, {self.screenings} screenings, "
                f"{self.referrals} referrals, {self.path_events} path events in {self.seconds:.1f} s")


def validate_options(*, clients: int, teams: int | None, until: date) -> None:
    """Refuse out-of-range options with a DomainError naming the option (field)."""
    if not 1 <= clients <= MAX_CLIENTS:
        raise DomainError("clients_out_of_range", f"must be from 1 to {MAX_CLIENTS}, not {clients}", field="clients")
    if teams is not None and not 1 <= teams <= min(MAX_TEAMS, clients):
        raise DomainError("teams_out_of_range", f"must be from 1 to {min(MAX_TEAMS, clients)} (at most one team "
                          f"per client), not {teams}", field="teams")
    if not EARLIEST_UNTIL <= until <= LATEST_UNTIL:
        raise DomainError("until_out_of_range", f"must be a date from {EARLIEST_UNTIL} to {LATEST_UNTIL}, not {until}",
                          field="until")


def simulated_seeds() -> list[int]:
    """Seeds of the simulation runs already in the database (read from their registration events)."""
    seeds = PathEvent.objects.filter(activity=PathEventKind.CLIENT_REGISTERED, attributes__source="simulation") \
        .values_list("attributes__seed", flat=True).distinct()
    return sorted({int(seed) for seed in seeds})


def simulate_caseload(*, clients: int, seed: int, until: date = DEFAULT_UNTIL, teams: int | None = None,
                      append: bool = False, progress: Callable[[int], None] | None = None) -> SimulationResult:
    """Simulate `clients` client journeys over the two years before `until`; refuse a second run unless append."""
    validate_options(clients=clients, teams=teams, until=until)
    if not Municipality.objects.exists():
        raise DomainError("areas_missing", "the database has no municipalities: run `polku load_areas` first")
    existing = simulated_seeds()
    if existing and not append:
        raise DomainError("already_simulated", "the database already holds simulated clients (seed "
                          f"{', '.join(map(str, existing))}); use --append with a new seed to add more")
    if seed in existing:
        raise DomainError("seed_already_used", f"{seed} was already simulated into this database; "
                          "choose another seed for --append", field="seed")
    started = time.perf_counter()  # elapsed time for the summary only; never feeds the data
    with transaction.atomic():
        rows, world = _run(clients=clients, seed=seed, until=until, teams=teams or default_team_count(clients),
                           progress=progress)
    return SimulationResult(
        seed=seed, until=until, clients=rows["client"], teams=len(world.teams), workers=len(world.workers),
        meetings=rows["meeting"], notes=rows["note"], screenings=rows["screeningresponse"],
        path_events=rows["pathevent"], referrals=rows["referral"], seconds=time.perf_counter() - started,
        rows=dict(rows))


def _run(*, clients: int, seed: int, until: date, teams: int,
         progress: Callable[[int], None] | None) -> tuple[Counter, World]:
    rng = random.Random(seed)
    layout = plan_layout(clients=clients, teams=teams)
    window_start = until - timedelta(days=WINDOW_DAYS)
    world = build_world(layout=layout, created_at=local(working_day_on_or_after(window_start), OFFICE_START))
    expected = Counter()
    for _origin, weight, languages in ORIGINS:
        for language, share in languages:
            expected[language] += clients * weight * share
    pools = build_interpreter_pools(rng, expected_clients=dict(expected))
    used_codes = set(Client.objects.exclude(identity_code=None).values_list("identity_code", flat=True))
    instruments = {code: load_instrument(code) for code in (PHQ9, GAD7, PCL5)}
    state = RunState(rng=rng, seed=seed, now=local(until, 0), instruments=instruments,
                     instrument_versions={code: str(i.as_fhir().get("version", "")) for code, i in instruments.items()})
    registrations = sorted(_registration_time(rng, until) for _ in range(clients))
    # The demo pair's clients come from the later registrations, so its login shows a current caseload.
    later = range(max(1, clients * 2 // 5), clients + 1)
    demo_ordinals = set(rng.sample(later if len(later) >= layout.demo_clients else range(1, clients + 1),
                                   layout.demo_clients))
    desks = load_services()  # the demo referral services (loaded when missing) and their inbox workers
    sites = [(plan.site, plan.site.weight) for plan in layout.teams if plan.number == 1]
    rows: Counter = Counter()
    batch = Batch()
    for ordinal, registered_at in enumerate(registrations, start=1):
        if ordinal in demo_ordinals:
            pair = world.demo_pair
        else:
            site = weighted(rng, sites)
            pair = rng.choice(world.pairs_by_site[site.area_code])
        municipality = world.municipalities[weighted(rng, pair.site.municipalities)]
        registrar = weighted(rng, ((pair.lead, 0.5), (pair.nurse, 0.25), (pair.counsellor, 0.25)))
        draft = make_client(rng, site=pair.site, municipality=municipality, organisation=pair.organisation,
                            registrar=registrar, registered_at=registered_at, pools=pools, used_codes=used_codes)
        journey = Journey(state, batch, draft, pair, ordinal=ordinal, registered_at=registered_at, registrar=registrar)
        journey.run()
        ReferralJourney(seed=seed, ordinal=ordinal, batch=batch, pair=pair, client=draft.client, traits=draft.traits,
                        held=journey.held, now=state.now, desks=desks).run()
        if len(batch.clients) >= CLIENT_BATCH:
            rows.update(batch.flush())
            if progress:
                progress(len(batch.clients))
            batch = Batch()
    rows.update(batch.flush())
    if progress and batch.clients:
        progress(len(batch.clients))
    return rows, world


def _registration_time(rng: random.Random, until: date) -> datetime:
    day = working_day_on_or_after(until - timedelta(days=rng.randint(1, WINDOW_DAYS)))
    if day >= until:  # the last days before `until` were holidays or a weekend: take the working day before
        day = until - timedelta(days=1)
        while not is_working_day(day):
            day -= timedelta(days=1)
    return local(day, rng.randint(8 * 60 + 15, 15 * 60 + 30))
