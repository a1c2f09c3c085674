"""Who the simulated clients are: origin, language, age, gender, time in Finland, legal status, needs.

Distributions follow the PPMM client profile (seed facts `ppmm.clients`): ages about 20–70, about
half women, most from the Middle East, most in Finland for a longer time, most trauma-burdened, most
needing an interpreter. Exact shares are the simulator's assumptions and are listed in docs/apps/demo.md.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from polku.casework.models import (
    Client,
    ClientLanguage,
    ClientLegalStatus,
    Gender,
    InterpreterGenderPreference,
    LanguageProficiency,
    LegalStatus,
    NoteTopic,
)
from polku.core.identity_code import make_identity_code
from polku.core.models import User
from polku.demo import names
from polku.demo.sim_world import Interpreter, Site

# ISO 3166-1 country -> (weight, ((language, weight), ...)). Kosovo uses the user-assigned code XK.
ORIGINS: tuple[tuple[str, float, tuple[tuple[str, float], ...]], ...] = (
    ("IQ", 0.22, (("ar", 0.62), ("ckb", 0.33), ("kmr", 0.05))),
    ("SY", 0.16, (("ar", 0.85), ("kmr", 0.15))),
    ("AF", 0.15, (("prs", 1.0),)),
    ("IR", 0.08, (("fa", 0.8), ("ckb", 0.2))),
    ("SO", 0.12, (("so", 1.0),)),
    ("UA", 0.07, (("uk", 0.6), ("ru", 0.4))),
    ("RU", 0.04, (("ru", 1.0),)),
    ("XK", 0.04, (("sq", 1.0),)),
    ("BA", 0.03, (("bs", 1.0),)),
    ("ER", 0.05, (("ti", 1.0),)),
    ("PS", 0.02, (("ar", 1.0),)),
    ("TR", 0.02, (("kmr", 1.0),)),
)
MIDDLE_EAST = ("IQ", "SY", "AF", "IR", "PS", "TR")
# Temporary protection for people fleeing Ukraine: Council Implementing Decision (EU) 2022/382, 4 March 2022.
TEMPORARY_PROTECTION_FROM = date(2022, 3, 4)
DIALECTS = {("IQ", "ar"): "Irakin arabia", ("SY", "ar"): "Syyrian arabia", ("PS", "ar"): "Palestiinan arabia",
            ("AF", "prs"): "dari (Afganistan)", ("IQ", "ckb"): "sorani (Sulaimaniya)", ("IR", "ckb"): "sorani (Iran)"}
TOPIC_BASE = {NoteTopic.TRAUMA: 3.0, NoteTopic.SLEEP: 2.5, NoteTopic.HOUSING: 1.5, NoteTopic.INCOME: 1.5,
              NoteTopic.FAMILY: 2.0, NoteTopic.EMPLOYMENT: 1.2, NoteTopic.HEALTH_CARE_ACCESS: 1.8,
              NoteTopic.SUBSTANCE_USE: 0.4}


@dataclass
class Traits:
    """What drives the journey but is not a column: latent severities, habits, wishes."""

    trauma: float  # 0..1, drives PCL-5
    depression: float  # 0..1, drives PHQ-9
    anxiety: float  # 0..1, drives GAD-7
    no_show: float  # probability of not coming to a booked meeting
    course_meetings: int  # held meetings before the client's course ends
    topics: list[str]
    topic_weights: list[float]
    interpreters: list[Interpreter] = field(default_factory=list)  # allowed, preferred first
    regular_interpreter: str = ""


@dataclass
class ClientDraft:
    client: Client
    languages: list[ClientLanguage]
    legal_statuses: list[ClientLegalStatus]
    traits: Traits


def weighted(rng: random.Random, pairs) -> str:
    """One value from ((value, weight), ...) pairs."""
    values = [value for value, _weight in pairs]
    return rng.choices(values, weights=[weight for _value, weight in pairs])[0]


def make_client(rng: random.Random, *, site: Site, municipality, organisation, registrar: User,
                registered_at: datetime, pools: dict[str, list[Interpreter]], used_codes: set[str]) -> ClientDraft:
    """A fictional client with a consistent story; nothing here reads the clock or global state."""
    reg_day = registered_at.date()
    origin_index = rng.choices(range(len(ORIGINS)), weights=[o[1] for o in ORIGINS])[0]
    origin, _w, languages = ORIGINS[origin_index]
    language = weighted(rng, languages)
    gender = weighted(rng, ((Gender.WOMAN, 0.48), (Gender.MAN, 0.48), (Gender.NOT_STATED, 0.03),
                            (Gender.NON_BINARY, 0.01)))
    name_gender = gender if gender in (Gender.WOMAN, Gender.MAN) else rng.choice([Gender.WOMAN, Gender.MAN])
    age = min(69, max(20, int(rng.triangular(20, 70, 34))))
    birth = _birth_date(rng, reg_day, age)
    arrival = _arrival(rng, origin, reg_day, birth)
    years_in_finland = reg_day.year - arrival.year
    statuses = _legal_history(rng, origin, arrival, reg_day)
    current = statuses[-1][0]
    given, family = _name(rng, language, name_gender)
    client = Client(
        organisation=organisation, given_names=given[1], family_name=family[1], given_names_latin=given[0],
        family_name_latin=family[0], gender=gender, preferred_language=language, country_of_origin=origin,
        arrival_year=arrival.year, municipality=municipality, created_at=registered_at, updated_at=registered_at,
        created_by=registrar)
    if current != LegalStatus.ASYLUM_SEEKER and rng.random() < 0.5:
        client.birth_date = birth
        client.identity_code = _identity_code(rng, birth, name_gender, used_codes)
        client.identity_code_is_temporary = True
    elif rng.random() < 0.6:
        # Registers often hold 1 January for people whose exact birth date is not documented.
        client.birth_date = birth.replace(month=1, day=1) if rng.random() < 0.15 else birth
    client.birth_year = (client.birth_date or birth).year
    if current == LegalStatus.ASYLUM_SEEKER:
        client.reception_centre_id = f"VOK-{rng.randint(10000, 99999)}"
    need = _interpreter_need(years_in_finland, current)
    client.interpreter_needed = rng.random() < need
    finnish = _finnish_level(rng, years_in_finland, client.interpreter_needed)
    rows = [ClientLanguage(client=client, language=language, proficiency=LanguageProficiency.NATIVE)]
    if finnish:
        rows.append(ClientLanguage(client=client, language="fi", proficiency=finnish))
    for other, share, level in _second_languages(language):
        if rng.random() < share:
            rows.append(ClientLanguage(client=client, language=other, proficiency=level))
    traits = _traits(rng, origin, current, name_gender)
    if client.interpreter_needed:
        client.interpreter_language = language
        if rng.random() < 0.4:
            client.interpreter_dialect = DIALECTS.get((origin, language), "")
        _interpreter_wishes(rng, client, traits, pools[language], name_gender)
    elif finnish in (LanguageProficiency.WORKING, LanguageProficiency.FLUENT):
        client.preferred_language = "fi"
    legal = [ClientLegalStatus(client=client, status=status, valid_from=start, valid_to=end,
                               recorded_at=registered_at, recorded_by=registrar)
             for status, start, end in statuses]
    return ClientDraft(client=client, languages=rows, legal_statuses=legal, traits=traits)


def _birth_date(rng: random.Random, reg_day: date, age: int) -> date:
    # Exactly `age` full years old on the registration day.
    latest = _years_before(reg_day, age)
    return latest - timedelta(days=rng.randint(0, 364))


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def _arrival(rng: random.Random, origin: str, reg_day: date, birth: date) -> date:
    if origin == "UA" and reg_day > TEMPORARY_PROTECTION_FROM + timedelta(days=30):
        span = min((reg_day - TEMPORARY_PROTECTION_FROM).days, 2 * 365)
        return TEMPORARY_PROTECTION_FROM + timedelta(days=int(rng.triangular(0, span, 0)))
    if origin == "BA":
        years = rng.randint(24, 33)
    elif origin == "XK":
        years = rng.randint(8, 26)
    elif origin == "SO":
        years = int(rng.triangular(3, 32, 12))
    elif origin in ("RU", "UA"):
        years = int(rng.triangular(2, 25, 8))
    else:
        band = rng.random()
        years = rng.randint(0, 3) if band < 0.15 else rng.randint(4, 11) if band < 0.75 else rng.randint(11, 25)
    arrival = _years_before(reg_day, years) - timedelta(days=rng.randint(0, 300))
    earliest = birth + timedelta(days=365)
    return max(arrival, earliest) if arrival < reg_day else reg_day - timedelta(days=rng.randint(30, 200))


def _legal_history(rng: random.Random, origin: str, arrival: date,
                   reg_day: date) -> list[tuple[str, date, date | None]]:
    if origin == "UA" and arrival >= TEMPORARY_PROTECTION_FROM:
        status = LegalStatus.TEMPORARY_PROTECTION if rng.random() < 0.92 else LegalStatus.FAMILY_MEMBER
        return [(status, arrival, None)]
    years = (reg_day - arrival).days / 365.25
    if years < 2 and origin not in ("BA", "XK", "UA") and rng.random() < 0.6:
        return [(LegalStatus.ASYLUM_SEEKER, arrival, None)]
    if origin == "XK":
        first = weighted(rng, ((LegalStatus.FAMILY_MEMBER, 0.5), (LegalStatus.ASYLUM_GRANTED, 0.2),
                               (LegalStatus.OTHER, 0.3)))
    elif origin == "BA":
        first = weighted(rng, ((LegalStatus.QUOTA_REFUGEE, 0.3), (LegalStatus.ASYLUM_GRANTED, 0.3),
                               (LegalStatus.FAMILY_MEMBER, 0.4)))
    else:
        first = weighted(rng, ((LegalStatus.QUOTA_REFUGEE, 0.22), (LegalStatus.ASYLUM_GRANTED, 0.33),
                               (LegalStatus.SUBSIDIARY_PROTECTION, 0.25), (LegalStatus.FAMILY_MEMBER, 0.20)))
    history: list[list] = []
    start = arrival
    if first in (LegalStatus.ASYLUM_GRANTED, LegalStatus.SUBSIDIARY_PROTECTION):
        decision = arrival + timedelta(days=rng.randint(180, 720))
        if decision >= reg_day:
            return [(LegalStatus.ASYLUM_SEEKER, arrival, None)]
        history.append([LegalStatus.ASYLUM_SEEKER, arrival, None])
        start = decision
    history.append([first, start, None])
    if years >= 6 and rng.random() < min(0.45, 0.05 * (years - 5)):
        citizen_from = arrival + timedelta(days=365 * rng.randint(5, 9) + rng.randint(0, 200))
        if start < citizen_from < reg_day:
            history.append([LegalStatus.CITIZEN, citizen_from, None])
    for earlier, later in zip(history, history[1:], strict=False):
        earlier[2] = later[1] - timedelta(days=1)
    return [(status, begin, end) for status, begin, end in history]


def _identity_code(rng: random.Random, birth: date, gender: str, used: set[str]) -> str:
    # Only temporary individual numbers (900–999): no simulated code can be a real person's code.
    # Parity follows the stated gender where it is woman/man (even = female marker, odd = male).
    parity = 0 if gender == Gender.WOMAN else 1
    for _attempt in range(200):
        number = rng.randrange(900 + parity, 1000, 2)
        code = make_identity_code(birth_date=birth, individual_number=number)
        if code not in used:
            used.add(code)
            return code
    raise RuntimeError(f"no free temporary identity code for {birth}")


def _name(rng: random.Random, language: str, gender: str) -> tuple[tuple[str, str], tuple[str, str]]:
    group = names.NAME_GROUPS[language]
    given = rng.choice(group.female if gender == Gender.WOMAN else group.male)
    index = rng.randrange(len(group.family))
    family = group.family_female[index] if gender == Gender.WOMAN and group.family_female else group.family[index]
    return given, family


def _interpreter_need(years: int, status: str) -> float:
    base = 0.95 if years <= 5 else 0.9 if years <= 10 else 0.75 if years <= 20 else 0.45
    return base - 0.05 if status == LegalStatus.CITIZEN else base


def _finnish_level(rng: random.Random, years: int, needs_interpreter: bool) -> str:
    if not needs_interpreter:
        return LanguageProficiency.FLUENT if years > 10 and rng.random() < 0.6 else LanguageProficiency.WORKING
    if years < 2:
        return LanguageProficiency.BASIC if rng.random() < 0.4 else ""
    return LanguageProficiency.BASIC if years < 8 or rng.random() < 0.6 else LanguageProficiency.WORKING


def _second_languages(language: str) -> tuple[tuple[str, float, str], ...]:
    return {
        "ckb": (("ar", 0.5, LanguageProficiency.WORKING),),
        "kmr": (("ar", 0.4, LanguageProficiency.WORKING), ("tr", 0.2, LanguageProficiency.WORKING)),
        "prs": (("fa", 0.5, LanguageProficiency.FLUENT),),
        "so": (("ar", 0.2, LanguageProficiency.BASIC), ("en", 0.2, LanguageProficiency.WORKING)),
        "uk": (("ru", 0.7, LanguageProficiency.FLUENT), ("en", 0.25, LanguageProficiency.WORKING)),
        "ti": (("ar", 0.2, LanguageProficiency.BASIC), ("en", 0.2, LanguageProficiency.WORKING)),
        "ar": (("en", 0.2, LanguageProficiency.WORKING),),
        "fa": (("en", 0.25, LanguageProficiency.WORKING),),
    }.get(language, ())


def _traits(rng: random.Random, origin: str, status: str, gender: str) -> Traits:
    # Most PPMM clients carried heavy trauma (violence above all); family migrants less often.
    if status in (LegalStatus.FAMILY_MEMBER, LegalStatus.OTHER) or origin == "RU":
        trauma = rng.betavariate(2.2, 3.5)
    else:
        trauma = rng.betavariate(4.5, 2.8)
    depression = min(1.0, 0.55 * trauma + 0.45 * rng.betavariate(2.5, 3))
    anxiety = min(1.0, 0.5 * trauma + 0.5 * rng.betavariate(2.5, 3))
    weights = dict(TOPIC_BASE)
    weights[NoteTopic.TRAUMA] += 3 * trauma
    weights[NoteTopic.SLEEP] += 2 * depression
    if gender == Gender.MAN:
        weights[NoteTopic.SUBSTANCE_USE] += 0.6
    if status == LegalStatus.ASYLUM_SEEKER:
        weights[NoteTopic.HOUSING] += 1.0
    course = 1 + min(40, int(rng.expovariate(1 / 9)))
    return Traits(trauma=trauma, depression=depression, anxiety=anxiety, no_show=rng.betavariate(2, 17),
                  course_meetings=course, topics=[str(t) for t in weights], topic_weights=list(weights.values()))


def _interpreter_wishes(rng: random.Random, client: Client, traits: Traits, pool: list[Interpreter],
                        gender: str) -> None:
    wish = rng.random()
    if gender == Gender.WOMAN:
        preference = InterpreterGenderPreference.FEMALE if wish < 0.35 else \
            InterpreterGenderPreference.MALE if wish < 0.37 else InterpreterGenderPreference.ANY
    else:
        preference = InterpreterGenderPreference.MALE if wish < 0.2 else InterpreterGenderPreference.ANY
    client.interpreter_gender_preference = preference
    allowed = [i for i in pool if preference == InterpreterGenderPreference.ANY or i.gender == preference]
    if not allowed:
        allowed = list(pool)
    if rng.random() < 0.04 and len(allowed) > 2:
        # Some clients distrust a particular interpreter (PPMM); the refusal is honoured.
        refused = rng.choice(allowed)
        client.refused_interpreters = refused.name
        allowed = [i for i in allowed if i is not refused]
    allowed = rng.sample(allowed, len(allowed))
    if rng.random() < 0.15:
        client.preferred_interpreter = allowed[0].name
        traits.regular_interpreter = allowed[0].name
    traits.interpreters = allowed
