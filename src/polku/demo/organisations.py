"""Organisations for the demo: the real wellbeing services areas, THL, and simulated client-work units.

Real names (areas, THL, the PPMM partner associations) are facts used as data; every person, team
and client in the demo is simulated.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from polku.core.models import Area, AreaKind, Organisation, OrganisationType, User
from polku.core.roles import CoordinatorScope, Profession, Role
from polku.core.services import create_user, get_or_create_organisation

DEMO_PASSWORD = "polku-demo-2026"  # noqa: S105 -- printed on purpose for the simulated demo

# The PPMM project's partner associations (seed facts, ppmm.partners), a few as NGO organisations.
PARTNER_ASSOCIATIONS = ["Sondip ry", "FinFami", "A-Kilta", "Daisy Ladies ry", "Yhdessä-yhdistys ry"]


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: str
    description: str


@transaction.atomic
def load_demo_organisations() -> dict[str, Organisation]:
    """The 22 wellbeing services areas as organisations, THL, Turku's units and partner NGOs."""
    by_key: dict[str, Organisation] = {}
    for area in Area.objects.exclude(kind=AreaKind.ALAND):
        kind = (OrganisationType.MUNICIPALITY if area.kind == AreaKind.CITY_OF_HELSINKI
                else OrganisationType.WELLBEING_SERVICES_COUNTY)
        by_key[area.code] = get_or_create_organisation(name=area.name_fi, name_sv=area.name_sv, type=kind,
                                                       home_area=area)
    by_key["THL"] = get_or_create_organisation(
        name="Terveyden ja hyvinvoinnin laitos (THL)", name_sv="Institutet för hälsa och välfärd (THL)",
        name_en="Finnish Institute for Health and Welfare (THL)", type=OrganisationType.NATIONAL_AGENCY)
    vs = Area.objects.get(code="VS")
    by_key["unit"] = get_or_create_organisation(
        name="Maahanmuuttajien mielenterveystiimi (demo)", name_en="Immigrant mental-health team (demo)",
        type=OrganisationType.UNIT, parent=by_key["VS"], home_area=vs)
    by_key["interpreters"] = get_or_create_organisation(
        name="Tulkkikeskus (demo)", name_en="Interpreter centre (demo)", type=OrganisationType.INTERPRETER_CENTRE,
        home_area=vs)
    for name in PARTNER_ASSOCIATIONS:
        by_key[name] = get_or_create_organisation(name=name, type=OrganisationType.NGO, home_area=vs)
    return by_key


# username, role, profession, organisation key, first name, last name, what they show
DEMO_USERS = [
    ("hoitaja", Role.PROFESSIONAL, Profession.NURSE, "unit", "Hanna", "Hoitaja", "nurse in a care-team pair"),
    ("ohjaaja", Role.PROFESSIONAL, Profession.SOCIAL_COUNSELLOR, "unit", "Sami", "Ohjaaja",
     "social counsellor in a care-team pair"),
    ("psykologi", Role.PROFESSIONAL, Profession.PSYCHOLOGIST, "unit", "Pia", "Psykologi", "psychologist"),
    ("laakari", Role.PROFESSIONAL, Profession.DOCTOR, "unit", "Leo", "Lääkäri", "doctor"),
    ("tiiminvetaja", Role.TEAM_LEAD, Profession.NURSE, "unit", "Tiina", "Tiiminvetäjä",
     "team lead: assigns clients"),
    ("poliklinikka", Role.PROFESSIONAL, Profession.PSYCHOLOGIST, "VS", "Paula", "Poliklinikka",
     "psychologist at the county's psychiatric outpatient clinic: receives referrals in the inbox"),
    ("valittaja", Role.INTERPRETER_DISPATCHER, "", "interpreters", "Veera", "Välittäjä",
     "interpreter dispatcher"),
    ("tulkki", Role.INTERPRETER, "", "interpreters", "Tuomas", "Tulkki", "interpreter"),
    ("koordinaattori", Role.COORDINATOR, "", "THL", "Kaisa", "Koordinaattori", "national PALOMA coordinator"),
    ("ohjausryhma", Role.STEERING_GROUP, "", "VS", "Olli", "Ohjausryhmä", "steering-group member"),
    ("tutkija", Role.RESEARCHER, "", "THL", "Tea", "Tutkija", "researcher"),
    ("yllapitaja", Role.ADMINISTRATOR, "", "VS", "Ylva", "Ylläpitäjä", "administrator / data controller"),
]


@transaction.atomic
def create_demo_users(*, organisations: dict[str, Organisation]) -> list[DemoLogin]:
    """One demo user per role (idempotent), all with the demo password."""
    logins = []
    for username, role, profession, org_key, first, last, description in DEMO_USERS:
        if not User.objects.filter(username=username).exists():
            create_user(username=username, password=DEMO_PASSWORD, role=role, profession=profession,
                        organisation=organisations[org_key], first_name=first, last_name=last,
                        coordinator_scope=CoordinatorScope.NATIONAL if role == Role.COORDINATOR else "")
        logins.append(DemoLogin(username=username, role=str(Role(role).label), description=description))
    return logins
