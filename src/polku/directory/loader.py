"""Load the directory: taxonomies, the real facts of the seeds (projects, trainings, publications, PALOMA),
and the simulated demo services. Idempotent: entries that exist (by name) are left as they are.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, replace
from pathlib import Path

from django.db import transaction

from polku.core.models import Area, OrganisationType
from polku.core.services import get_or_create_organisation
from polku.directory import demo_data, services
from polku.directory import services_knowledge as knowledge
from polku.directory.inputs import NetworkMemberInput, ProjectInput, PublicationInput, Texts, TrainingInput
from polku.directory.models import (
    DirectoryOrganisation,
    Expert,
    Location,
    NetworkMember,
    Project,
    Publication,
    Service,
    Taxonomy,
    TaxonomyCode,
    TaxonomyTerm,
    Training,
)

DATA = Path(__file__).resolve().parent / "data"
FACTS_SOURCE = {"stm": "seeds/003_3a090f9775bb143e.txt", "ppmm": "seeds/004_ba9806585f45a787.txt",
                "paloma": "seeds/000_098c613076b99613.txt", "publications": "seeds/001_ce8e56ea67cc02f9.txt"}
THL = {"name": "Terveyden ja hyvinvoinnin laitos (THL)", "name_sv": "Institutet för hälsa och välfärd (THL)",
       "name_en": "Finnish Institute for Health and Welfare (THL)"}


@dataclass(frozen=True)
class LoadResult:
    projects: int
    trainings: int
    publications: int
    services: int
    experts: int

    def summary(self) -> str:
        return (f"Directory: {self.projects} projects, {self.trainings} trainings and tools, "
                f"{self.publications} publications, {self.services} services, {self.experts} experts")


def _json(name: str) -> dict:
    return json.loads((DATA / name).read_text(encoding="utf-8"))


@transaction.atomic
def load_taxonomies() -> None:
    """Polku's taxonomies and the Open Eligibility terms they map to (upsert by code, name-based UUIDs)."""
    from polku.directory.hsds import taxonomy_uuid, term_uuid

    data = _json("taxonomy.json")
    taxonomies = {}
    for entry in data["taxonomies"]:
        values = {"name": entry["name"], "description": entry["description"], "uri": entry.get("uri", ""),
                  "version": entry.get("version", "")}
        taxonomies[entry["code"]], _created = Taxonomy.objects.update_or_create(
            code=entry["code"], defaults=values, create_defaults={**values, "uuid": taxonomy_uuid(entry["code"])})

    def upsert(taxonomy_code: str, code: str, values: dict) -> TaxonomyTerm:
        term, _created = TaxonomyTerm.objects.update_or_create(
            taxonomy=taxonomies[taxonomy_code], code=code, defaults=values,
            create_defaults={**values, "uuid": term_uuid(taxonomy_code, code)})
        return term

    external = {code: upsert(TaxonomyCode.OPEN_ELIGIBILITY, code, {
        "name_fi": name, "name_en": name, "description_en": f"Open Eligibility: {code}"})
        for code, name in data["open_eligibility"]}
    for key, code in (("service_types", TaxonomyCode.SERVICE_TYPE), ("target_groups", TaxonomyCode.TARGET_GROUP),
                      ("methods", TaxonomyCode.METHOD), ("translations", TaxonomyCode.TRANSLATION)):
        terms: dict[str, TaxonomyTerm] = {}
        for entry in data[key]:
            terms[entry["code"]] = upsert(code, entry["code"], {
                "name_fi": entry["fi"], "name_sv": entry["sv"], "name_en": entry["en"], "description_en": entry["en"],
                "external_match": external.get(entry.get("match")), "parent": terms.get(entry.get("parent"))})


def _project_inputs() -> list[ProjectInput]:
    facts, seed = _json("seed-facts.json"), _json("directory_seed.json")
    own = {entry["name"]: entry for entry in seed["projects"]}
    inputs = []
    stm = facts["municipal_mental_health_projects"]
    for fact in stm["projects"]:
        mine = own[fact["name"]]  # KeyError here means a seeded project lacks Polku's own description
        inputs.append(ProjectInput(
            name=fact["name"], short_name=mine.get("short_name", ""), recipient=fact["recipient"],
            region=fact["area"], period=fact.get("period", seed["stm_programme_period"]).replace("-", "–"),
            period_estimated="period" not in fact, source=mine["source"],
            programme=Texts(fi=stm["programme"]["fi"], en=stm["programme"]["en"]), funders=(stm["funder"],),
            funding_round=fact["round"], co_implementers=tuple(fact.get("co_implementers", ())),
            area_codes=tuple(mine["areas"]), municipality_codes=tuple(mine["municipalities"]),
            target_groups=tuple(mine["target_groups"]), methods=tuple(mine["methods"]),
            target_group_details=tuple(fact["target_groups"]), method_details=tuple(fact["methods"]),
            description=Texts(fi=mine["description_fi"], en=mine["description_en"])))
    ppmm = facts["ppmm"]
    mine = own[ppmm["name"]["fi"]]
    inputs.append(ProjectInput(
        name=ppmm["name"]["fi"], short_name="PPMM", recipient=ppmm["implementer"], region=ppmm["region"],
        period="1.9.2016–31.5.2018", start_date=dt.date.fromisoformat(ppmm["period"]["start"]),
        end_date=dt.date.fromisoformat(ppmm["period"]["end"]), source=mine["source"],
        programme=Texts(fi="ESR, toimintalinja 5", en=ppmm["programme"]), funders=tuple(ppmm["funders"]),
        partners=tuple(ppmm["partners"]), budget_band="100 000–500 000 €", eura_code=ppmm["eura_code"],
        area_codes=tuple(mine["areas"]), municipality_codes=tuple(mine["municipalities"]),
        target_groups=tuple(mine["target_groups"]), methods=tuple(mine["methods"]),
        target_group_details=(ppmm["target_group"],), method_details=tuple(ppmm["team"]),
        description=Texts(fi=mine["description_fi"], en=mine["description_en"]),
        results=Texts(fi=mine["results_fi"], en=mine["results_en"]),
        good_practices=Texts(fi=mine["good_practices_fi"], en=mine["good_practices_en"]),
        transfer=Texts(fi=mine["transfer_fi"], en=mine["transfer_en"]), links=tuple(mine.get("links", ()))))
    paloma = facts["paloma"]
    for fact in paloma["projects"]:
        mine = own[fact["name"]]
        inputs.append(ProjectInput(
            name=fact["name"], short_name=fact["name"], recipient=THL["name"], region="Koko Suomi / national",
            period=fact["period"].replace("-", "–"), source=mine["source"],
            programme=Texts(fi="Turvapaikka-, maahanmuutto- ja kotouttamisrahasto (AMIF)",
                            en="Asylum, Migration and Integration Fund (AMIF)"),
            funders=(paloma["funding"][0],), target_groups=tuple(mine["target_groups"]),
            methods=tuple(mine["methods"]), description=Texts(fi=mine["description_fi"], en=mine["description_en"]),
            results=Texts(fi=mine["results_fi"], en=mine["results_en"])))
    return inputs


def _training_inputs() -> list[TrainingInput]:
    facts, seed = _json("seed-facts.json"), _json("directory_seed.json")
    known = {item["name"] for item in facts["trainings_and_tools"]} | set(facts["ppmm"]["trainings"])
    inputs = []
    for entry in seed["trainings"]:
        if entry["fact_name"] not in known:
            raise ValueError(f"training {entry['fact_name']!r} is not in seed-facts.json")
        inputs.append(TrainingInput(
            kind=entry["kind"], name=Texts(fi=entry["name_fi"], sv=entry.get("name_sv", ""), en=entry["name_en"]),
            source=entry["source"], description=Texts(fi=entry["description_fi"], en=entry["description_en"]),
            audience=tuple(entry["audience"]), languages=tuple(entry["languages"]), format=entry["format"],
            duration=entry.get("duration", ""), provider=entry.get("provider", ""),
            free_of_charge=entry.get("free"), self_help=entry.get("self_help", False),
            topics=tuple(entry["topics"])))
    return inputs


def _publication_inputs() -> list[PublicationInput]:
    facts, seed = _json("seed-facts.json"), _json("directory_seed.json")
    own = {entry["title"]: entry for entry in seed["publications"]}
    return [PublicationInput(title=fact["title"], authors=fact["authors"], year=fact["year"], venue=fact["venue"],
                             source=FACTS_SOURCE["publications"], topics=tuple(own[fact["title"]]["topics"]),
                             description=Texts(fi=own[fact["title"]]["description_fi"],
                                               en=own[fact["title"]]["description_en"]))
            for fact in facts["publications"]]


def _load_paloma_network() -> None:
    thl = get_or_create_organisation(type=OrganisationType.NATIONAL_AGENCY, **THL)
    if not NetworkMember.objects.filter(organisation=thl).exists():
        knowledge.create_network_member(actor=None, organisation=thl, data=NetworkMemberInput(
            description=Texts(
                fi="THL koordinoi PALOMA-osaamiskeskusta ja sen verkostoja, järjestää valtakunnallisia koulutuksia "
                   "ja seminaareja, tekee tutkimusta ja viestintää ja ylläpitää PALOMA-tutkijaverkostoa.",
                en="THL coordinates the PALOMA Center of Expertise and its networks, runs national trainings and "
                   "seminars, does research and communication, and keeps the PALOMA Research Network."),
            tasks=("support", "research", "development", "advocacy"),
            roles=(("national_coordinator", ""), ("research_network", ""))))
    pshp = get_or_create_organisation(name="Pirkanmaan sairaanhoitopiiri", type=OrganisationType.HOSPITAL)
    if not NetworkMember.objects.filter(organisation=pshp).exists():
        knowledge.create_network_member(actor=None, organisation=pshp, data=NetworkMemberInput(
            description=Texts(
                fi="PASEK-hankkeen toteuttaja: vei PALOMA-osaamiskeskuksen työtä erikoissairaanhoidosta Pirkanmaan "
                   "kuntiin ja järjestöihin (lähde: seeds/003).",
                en="Ran the PASEK project, which carried the PALOMA Center of Expertise's work from specialised care "
                   "to the municipalities and associations of Pirkanmaa (source: seeds/003)."),
            tasks=("client_work", "support", "development"), area_code="PI", roles=(("area_actor", "TAYS"),)))


def _load_demo() -> None:
    organisations: dict[str, DirectoryOrganisation] = {}
    for key, fi, sv, en, kind, area, role_area in demo_data.ORGANISATIONS:
        home = Area.objects.get(code=area) if area else None
        org = get_or_create_organisation(name=fi, name_sv=sv, name_en=en, type=kind, home_area=home)
        entry = DirectoryOrganisation.objects.filter(organisation=org).first()
        if entry is None:
            entry = services.create_directory_organisation(
                actor=None, organisation=org, is_demo=True, last_verified=dt.date(2025, 9, 1),
                description=Texts(fi=f"{fi}: simuloitu demo-organisaatio.", en=f"{en}: a simulated demo "
                                  "organisation."))
        organisations[key] = entry
        if role_area and not NetworkMember.objects.filter(organisation=org).exists():
            knowledge.create_network_member(actor=None, organisation=org,
                                           data=demo_data.network_member_input(role_area, area))
    locations: dict[str, Location] = {}
    for key, org_key, data in demo_data.location_inputs():
        existing = Location.objects.filter(address_1=data.address_1).first()
        locations[key] = existing or services.create_location(actor=None, organisation=organisations[org_key],
                                                               data=data)
    for index, (org_key, location_keys, data) in enumerate(demo_data.SERVICES):
        if Service.objects.filter(name_fi=data.name.fi).exists():
            continue
        # Spread the verification dates so the review list of stale entries has something to show.
        verified = dt.date(2024, 3, 1) if index % 6 == 5 else dt.date(2025, 10, 1)
        services.create_service(actor=None, organisation=organisations[org_key],
                                data=_with_verified(data, verified),
                                locations=[locations[key] for key in location_keys])
    for data in demo_data.expert_inputs():
        if not Expert.objects.filter(name=data.name).exists():
            knowledge.create_expert(actor=None, organisation=None, data=data)
    for data in demo_data.SELF_HELP:
        if not Training.objects.filter(name_fi=data.name.fi).exists():
            knowledge.create_training(actor=None, data=data)


def _with_verified(data, verified: dt.date):
    return replace(data, last_verified=verified)


@transaction.atomic
def load_directory_facts(*, demo: bool = True) -> LoadResult:
    """The seeds' projects, trainings, tools and publications, PALOMA's network, and (demo) services."""
    load_taxonomies()
    for data in _project_inputs():
        if not Project.objects.filter(name=data.name).exists():
            knowledge.create_project(actor=None, data=data)
    for data in _training_inputs():
        if not Training.objects.filter(name_fi=data.name.fi).exists():
            knowledge.create_training(actor=None, data=data)
    for data in _publication_inputs():
        if not Publication.objects.filter(title=data.title).exists():
            knowledge.create_publication(actor=None, data=data)
    _load_paloma_network()
    if demo:
        _load_demo()
    return LoadResult(projects=Project.objects.count(), trainings=Training.objects.count(),
                      publications=Publication.objects.count(), services=Service.objects.count(),
                      experts=Expert.objects.count())

