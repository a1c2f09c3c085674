"""Typed inputs of the directory's write services (what a form, the seed loader or an import hands over)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class Texts:
    """One text in Finnish, Swedish and English (Finnish required where the field is required)."""

    fi: str = ""
    sv: str = ""
    en: str = ""


@dataclass(frozen=True)
class PhoneInput:
    number: str
    type: str = "voice"
    description: Texts = Texts()
    languages: tuple[str, ...] = ()


@dataclass(frozen=True)
class ScheduleInput:
    byday: str
    opens_at: dt.time | None = None
    closes_at: dt.time | None = None
    freq: str = "WEEKLY"
    description: Texts = Texts()


@dataclass(frozen=True)
class CostOptionInput:
    option: str
    amount: Decimal | None
    amount_description: str = ""


@dataclass(frozen=True)
class LanguageInput:
    code: str
    provision: str = "staff"


@dataclass(frozen=True)
class ServiceInput:
    name: Texts
    description: Texts
    application_process: Texts = Texts()
    fees_description: Texts = Texts()
    eligibility_description: Texts = Texts()
    interpretation_services: Texts = Texts()
    url: str = ""
    email: str = ""
    status: str = "active"
    interpretation_available: bool = False
    minimum_age: int | None = None
    maximum_age: int | None = None
    service_types: tuple[str, ...] = ()
    target_groups: tuple[str, ...] = ()
    languages: tuple[LanguageInput, ...] = ()
    municipality_codes: tuple[str, ...] = ()
    area_codes: tuple[str, ...] = ()
    cost_options: tuple[CostOptionInput, ...] = ()
    phones: tuple[PhoneInput, ...] = ()
    schedules: tuple[ScheduleInput, ...] = ()
    required_documents: tuple[Texts, ...] = ()
    is_demo: bool = False
    last_verified: dt.date | None = None


@dataclass(frozen=True)
class LocationInput:
    name: Texts
    municipality_code: str
    address_1: str = ""
    postal_code: str = ""
    transportation: Texts = Texts()
    latitude: float | None = None
    longitude: float | None = None
    location_type: str = "physical"
    is_demo: bool = False
    last_verified: dt.date | None = None


@dataclass(frozen=True)
class ProjectInput:
    name: str
    recipient: str
    region: str
    period: str
    source: str
    short_name: str = ""
    period_estimated: bool = False
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    programme: Texts = Texts()
    funders: tuple[str, ...] = ()
    funding_round: str = ""
    co_implementers: tuple[str, ...] = ()
    partners: tuple[str, ...] = ()
    area_codes: tuple[str, ...] = ()
    municipality_codes: tuple[str, ...] = ()
    budget_band: str = ""
    eura_code: str = ""
    target_groups: tuple[str, ...] = ()
    methods: tuple[str, ...] = ()
    target_group_details: tuple[str, ...] = ()
    method_details: tuple[str, ...] = ()
    description: Texts = Texts()
    results: Texts = Texts()
    good_practices: Texts = Texts()
    transfer: Texts = Texts()
    links: tuple[dict, ...] = ()
    last_verified: dt.date | None = None


@dataclass(frozen=True)
class TrainingInput:
    kind: str
    name: Texts
    source: str
    description: Texts = Texts()
    audience: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    format: str = ""
    duration: str = ""
    url: str = ""
    provider: str = ""
    free_of_charge: bool | None = None
    self_help: bool = False
    topics: tuple[str, ...] = ()
    is_demo: bool = False
    last_verified: dt.date | None = None


@dataclass(frozen=True)
class PublicationInput:
    title: str
    authors: str
    year: int
    venue: str
    source: str
    description: Texts = Texts()
    topics: tuple[str, ...] = ()
    url: str = ""
    last_verified: dt.date | None = None


@dataclass(frozen=True)
class ExpertInput:
    name: str
    profession: str
    languages: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    area_code: str = ""
    takes_consultations: bool = False
    description: Texts = Texts()
    roles: tuple[tuple[str, str], ...] = ()  # (role, collaboration area code or "")
    is_demo: bool = True
    last_verified: dt.date | None = None


@dataclass(frozen=True)
class NetworkMemberInput:
    description: Texts
    tasks: tuple[str, ...] = ()
    area_code: str = ""
    roles: tuple[tuple[str, str], ...] = ()
    is_demo: bool = False
    last_verified: dt.date | None = None
