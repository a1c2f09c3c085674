"""The simulated organisation: sites, teams of nurse + social-counsellor pairs, and interpreter pools.

The layout (which sites, how many teams, how many pairs) is a pure function of the number of clients
and teams, and worker names derive from their user names, so an ``--append`` run with another seed
finds and reuses the same teams and workers.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from datetime import datetime

from polku.casework.models import Team, TeamMember
from polku.core.models import Area, Municipality, Organisation, OrganisationType, User
from polku.core.roles import Profession, Role
from polku.core.services import create_user, get_or_create_organisation
from polku.demo import names
from polku.demo.organisations import create_demo_users, load_demo_organisations

# Clients one pair takes over two years (PPMM: one pair, some 60 clients in under two years).
CLIENTS_PER_PAIR = 50
# The demo logins `hoitaja` and `ohjaaja` get this many clients, so their list shows a caseload.
DEMO_PAIR_CLIENTS = 25
PAIRS_PER_TEAM = 4
DEMO_NURSE, DEMO_COUNSELLOR, DEMO_LEAD = "hoitaja", "ohjaaja", "tiiminvetaja"


@dataclass(frozen=True)
class Site:
    """Where clients live and a unit works: an area, its main city and municipality weights."""

    area_code: str
    city: str
    weight: float
    municipalities: tuple[tuple[str, float], ...]


# PPMM worked in Turku, so Varsinais-Suomi carries most clients; the rest live in the big cities where
# most people of refugee background in Finland live. Weights are the simulator's assumption.
SITES: tuple[Site, ...] = (
    Site("VS", "Turku", 0.45, (("853", 0.60), ("202", 0.08), ("680", 0.08), ("529", 0.04), ("423", 0.05),
                               ("734", 0.08), ("430", 0.03), ("895", 0.04))),
    Site("HEL", "Helsinki", 0.16, (("091", 1.0),)),
    Site("PI", "Tampere", 0.08, (("837", 0.75), ("536", 0.08), ("211", 0.07), ("980", 0.10))),
    Site("VK", "Vantaa", 0.07, (("092", 0.85), ("245", 0.15))),
    Site("LU", "Espoo", 0.07, (("049", 0.88), ("257", 0.12))),
    Site("PP", "Oulu", 0.05, (("564", 1.0),)),
    Site("KS", "Jyväskylä", 0.03, (("179", 1.0),)),
    Site("PS", "Kuopio", 0.03, (("297", 1.0),)),
    Site("PH", "Lahti", 0.03, (("398", 1.0),)),
    Site("SA", "Pori", 0.03, (("609", 1.0),)),
)


@dataclass(frozen=True)
class TeamPlan:
    site: Site
    number: int  # 1.. within the site
    pairs: int  # regular pairs (the demo pair comes on top in Turku 1)


@dataclass(frozen=True)
class Layout:
    teams: tuple[TeamPlan, ...]
    demo_clients: int


def default_team_count(clients: int) -> int:
    """Several teams of about four pairs each, at least three teams when there are pairs enough."""
    pairs = 1 + math.ceil(max(0, clients - demo_client_count(clients)) / CLIENTS_PER_PAIR)
    return min(pairs, max(3, math.ceil(pairs / PAIRS_PER_TEAM)))


def demo_client_count(clients: int) -> int:
    """How many clients the demo pair gets: about 25, fewer in a small run."""
    return min(DEMO_PAIR_CLIENTS, max(1, clients // 10))


def plan_layout(*, clients: int, teams: int) -> Layout:
    """Teams per site (largest remainder by site weight) and regular pairs per team; deterministic."""
    used = SITES[: min(teams, len(SITES))]
    per_site = _largest_remainder(teams, [site.weight for site in used], minimum=1)
    plans = [(site, number) for site, count in zip(used, per_site, strict=True) for number in range(1, count + 1)]
    demo = demo_client_count(clients)
    regular_clients = clients - demo
    # Every team has at least one regular pair; the rest follow the clients (site weight / its teams).
    pairs_total = max(len(plans), math.ceil(regular_clients / CLIENTS_PER_PAIR)) if regular_clients else len(plans)
    team_weights = [site.weight / per_site[used.index(site)] for site, _number in plans]
    pair_counts = _largest_remainder(pairs_total, team_weights, minimum=1)
    return Layout(teams=tuple(TeamPlan(site=site, number=number, pairs=count)
                              for (site, number), count in zip(plans, pair_counts, strict=True)),
                  demo_clients=demo)


def _largest_remainder(total: int, weights: list[float], *, minimum: int) -> list[int]:
    counts = [minimum] * len(weights)
    rest = total - minimum * len(weights)
    if rest <= 0:
        return counts
    share = sum(weights)
    exact = [rest * w / share for w in weights]
    floors = [math.floor(x) for x in exact]
    counts = [c + f for c, f in zip(counts, floors, strict=True)]
    left = rest - sum(floors)
    order = sorted(range(len(weights)), key=lambda i: (-(exact[i] - floors[i]), i))
    for i in order[:left]:
        counts[i] += 1
    return counts


@dataclass(frozen=True)
class Pair:
    nurse: User
    counsellor: User
    team: Team
    lead: User
    site: Site
    organisation: Organisation
    is_demo: bool = False


@dataclass
class World:
    """What the journeys need: pairs by site, municipalities, interpreter pools."""

    layout: Layout
    demo_pair: Pair
    pairs_by_site: dict[str, list[Pair]]
    municipalities: dict[str, Municipality]
    teams: list[Team] = field(default_factory=list)
    workers: list[User] = field(default_factory=list)


def build_world(*, layout: Layout, created_at: datetime) -> World:
    """Create (or find) units, team leads, teams and the pairs' users; the demo pair leads Turku 1."""
    organisations = load_demo_organisations()
    create_demo_users(organisations=organisations)
    municipalities = {m.code: m for m in Municipality.objects.filter(
        code__in=[code for site in SITES for code, _w in site.municipalities])}
    demo_nurse = User.objects.get(username=DEMO_NURSE)
    demo_counsellor = User.objects.get(username=DEMO_COUNSELLOR)
    demo_lead = User.objects.get(username=DEMO_LEAD)
    pairs_by_site: dict[str, list[Pair]] = {}
    teams: list[Team] = []
    workers: list[User] = []
    demo_pair: Pair | None = None
    units: dict[str, tuple[Organisation, User]] = {}
    for plan in layout.teams:
        site = plan.site
        if site.area_code not in units:
            units[site.area_code] = _unit(site, organisations, demo_lead)
        organisation, lead = units[site.area_code]
        team, _created = Team.objects.get_or_create(organisation=organisation, name=f"Tiimi {site.city} {plan.number}",
                                                    defaults={"created_at": created_at})
        teams.append(team)
        TeamMember.objects.get_or_create(team=team, user=lead, defaults={"is_lead": True})
        if site.area_code == "VS" and plan.number == 1:
            demo_pair = _pair(team, demo_nurse, demo_counsellor, lead, site, organisation, is_demo=True)
        for number in range(1, plan.pairs + 1):
            prefix = f"sim.{site.area_code.lower()}{plan.number}"
            nurse = _worker(f"{prefix}.n{number}", Profession.NURSE, organisation)
            counsellor = _worker(f"{prefix}.s{number}", Profession.SOCIAL_COUNSELLOR, organisation)
            workers += [nurse, counsellor]
            pair = _pair(team, nurse, counsellor, lead, site, organisation)
            pairs_by_site.setdefault(site.area_code, []).append(pair)
    if demo_pair is None:  # plan_layout always starts with Turku 1; this guards a future change of SITES
        raise RuntimeError("the layout has no Turku 1 team for the demo pair")
    return World(layout=layout, demo_pair=demo_pair, pairs_by_site=pairs_by_site, municipalities=municipalities,
                 teams=teams, workers=workers)


def _pair(team: Team, nurse: User, counsellor: User, lead: User, site: Site, organisation: Organisation,
          *, is_demo: bool = False) -> Pair:
    for user in (nurse, counsellor):
        TeamMember.objects.get_or_create(team=team, user=user, defaults={"is_lead": False})
    return Pair(nurse=nurse, counsellor=counsellor, team=team, lead=lead, site=site, organisation=organisation,
                is_demo=is_demo)


def _unit(site: Site, organisations: dict[str, Organisation], demo_lead: User) -> tuple[Organisation, User]:
    if site.area_code == "VS":
        return organisations["unit"], demo_lead
    organisation = get_or_create_organisation(
        name=f"Maahanmuuttajien mielenterveystiimi, {site.city} (demo)",
        name_en=f"Immigrant mental-health team, {site.city} (demo)", type=OrganisationType.UNIT,
        parent=organisations[site.area_code], home_area=Area.objects.get(code=site.area_code))
    lead = _worker(f"sim.{site.area_code.lower()}.lead", Profession.NURSE, organisation, role=Role.TEAM_LEAD)
    return organisation, lead


def _worker(username: str, profession: str, organisation: Organisation, *, role: Role = Role.PROFESSIONAL) -> User:
    existing = User.objects.filter(username=username).first()
    if existing is not None:
        return existing
    first, last = worker_name(username, profession)
    return create_user(username=username, password=None, role=role, profession=profession,
                       organisation=organisation, first_name=first, last_name=last)


def worker_name(username: str, profession: str) -> tuple[str, str]:
    """A fictional Finnish name derived from the user name alone (so reruns and appends agree)."""
    rng = random.Random(f"polku-worker:{username}")
    female_share = 0.85 if profession == Profession.NURSE else 0.65
    given = names.WORKER_GIVEN_FEMALE if rng.random() < female_share else names.WORKER_GIVEN_MALE
    return rng.choice(given), rng.choice(names.WORKER_FAMILY_FIRST) + rng.choice(names.WORKER_FAMILY_SECOND)


@dataclass(frozen=True)
class Interpreter:
    name: str
    gender: str  # "female" / "male"
    language: str


MAX_INTERPRETERS_PER_LANGUAGE = 400


def build_interpreter_pools(rng: random.Random, *, expected_clients: dict[str, float]) -> dict[str, list[Interpreter]]:
    """Fictional interpreters per language, about one per 40 clients of that language (3–400).

    The ceiling grows with the run: a fixed pool of 60 left a 100 000-client run's calendars so full that
    almost every booking fell back to an overlap after 30 tries (and the run slowed to 3 clients/s)."""
    pools: dict[str, list[Interpreter]] = {}
    for language, group in names.NAME_GROUPS.items():
        size = min(MAX_INTERPRETERS_PER_LANGUAGE, max(3, math.ceil(expected_clients.get(language, 0.0) / 40)))
        pool: list[Interpreter] = []
        taken: list[str] = []
        while len(pool) < size:
            gender = "female" if rng.random() < 0.55 else "male"
            given = rng.choice(group.female if gender == "female" else group.male)[0]
            family_index = rng.randrange(len(group.family))
            family = (group.family_female or group.family)[family_index][0] if gender == "female" else \
                group.family[family_index][0]
            name = f"{given} {family}"
            if name in taken:
                name = f"{given} {family}-{rng.choice(group.family)[0]}"
                if name in taken:
                    continue
            taken.append(name)
            pool.append(Interpreter(name=name, gender=gender, language=language))
        pools[language] = pool
    return pools
