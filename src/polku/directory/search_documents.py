"""What each kind of directory entry contributes to the search index: titles, body text, facets.

Facets are filter tokens stored beside the text (a separate FTS5 column / tsvector): `k<kind>`,
`a<area>`, `c<collaboration area>`, `m<municipality>`, `l<language>`, `t<target group>`, `s<service
type or topic>`, `free`. A service for a whole wellbeing services area carries the tokens of all its
municipalities, so that a person picking their municipality also finds the area-wide services.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from polku.core.models import Area, Municipality, Organisation
from polku.directory.finnish import text_lexemes
from polku.directory.languages import language_name
from polku.directory.models import (
    DirectoryOrganisation,
    DocumentKind,
    Expert,
    NetworkMember,
    Project,
    Publication,
    Service,
    Training,
)

SUMMARY_LENGTH = 280


def facet(prefix: str, code: str) -> str:
    """A facet token: the prefix and the code, lower-case letters and digits only."""
    return prefix + re.sub(r"[^0-9a-zåäö]", "", code.lower())


@dataclass
class DocumentDraft:
    kind: str
    object_id: int
    titles: dict[str, str]
    summaries: dict[str, str]
    texts: dict[str, list[str]] = field(default_factory=lambda: {"fi": [], "sv": [], "en": []})
    facets: set[str] = field(default_factory=set)
    is_demo: bool = False

    def add_text(self, *, fi: str = "", sv: str = "", en: str = "") -> None:
        for code, value in (("fi", fi), ("sv", sv), ("en", en)):
            if value:
                self.texts[code].append(value)

    def add_terms(self, terms: Iterable, prefix: str) -> None:
        for term in terms:
            self.add_text(fi=term.name_fi, sv=term.name_sv, en=term.name_en)
            self.facets.add(facet(prefix, term.code))

    def add_languages(self, codes: Iterable[str]) -> None:
        for code in codes:
            self.add_text(fi=language_name(code, "fi"), sv=language_name(code, "sv"), en=language_name(code, "en"))
            self.facets.add(facet("l", code))

    def add_areas(self, areas: Iterable[Area], municipalities: Iterable[Municipality] = ()) -> None:
        for area in areas:
            self.add_text(fi=area.short_name_fi, sv=area.short_name_sv)
            self.facets.add(facet("a", area.code))
            if area.collaboration_area_id:
                self.facets.add(facet("c", area.collaboration_area.code))
            self.facets.update(facet("m", code) for code in _municipality_codes(area.pk, area.code))
        for municipality in municipalities:
            self.add_text(fi=municipality.name_fi, sv=municipality.name_sv)
            self.facets.update({facet("m", municipality.code), facet("a", municipality.area.code)})
            if municipality.area.collaboration_area_id:
                self.facets.add(facet("c", municipality.area.collaboration_area.code))

    def lexemes(self) -> tuple[str, str]:
        title = [lexeme for code, value in self.titles.items() for lexeme in text_lexemes(value, code)]
        body = [lexeme for code, values in self.texts.items() for value in values
                for lexeme in text_lexemes(value, code)]
        return " ".join(title), " ".join(body)


@lru_cache(maxsize=64)
def _municipality_codes(area_id: int, area_code: str) -> tuple[str, ...]:
    # Reference data that changes only with a new municipal division; keyed by id and code together so
    # that a reloaded area (new id) is never answered from an old entry.
    return tuple(Municipality.objects.filter(area_id=area_id).values_list("code", flat=True))


def _summary(text: str) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= SUMMARY_LENGTH else text[:SUMMARY_LENGTH].rsplit(" ", 1)[0] + " …"


def _texts(obj, name: str) -> dict[str, str]:
    return {code: getattr(obj, f"{name}_{code}", "") for code in ("fi", "sv", "en")}


def _draft(kind: str, obj, titles: dict[str, str], descriptions: dict[str, str]) -> DocumentDraft:
    draft = DocumentDraft(kind=kind, object_id=obj.pk, titles=titles,
                          summaries={code: _summary(value) for code, value in descriptions.items()},
                          is_demo=getattr(obj, "is_demo", False))
    draft.add_text(**descriptions)
    draft.facets.add(facet("k", kind))
    return draft


def service_document(service: Service) -> DocumentDraft:
    draft = _draft(DocumentKind.SERVICE, service, _texts(service, "name"), _texts(service, "description"))
    for name in ("eligibility_description", "interpretation_services", "fees_description", "application_process"):
        draft.add_text(**_texts(service, name))
    org = service.organisation.organisation
    draft.add_text(fi=org.name, sv=org.name_sv, en=org.name_en)
    draft.add_terms(service.service_types.all(), "s")
    draft.add_terms(service.target_groups.all(), "t")
    draft.add_languages(sorted({language.code for language in service.languages.all()}))
    areas = [item.area for item in service.service_areas.all() if item.area_id]
    municipalities = [item.municipality for item in service.service_areas.all() if item.municipality_id]
    draft.add_areas(areas, municipalities)
    for sal in service.service_at_locations.all():
        location = sal.location
        draft.add_text(**_texts(location, "name"))
        draft.add_text(fi=location.address_1)
        if location.municipality_id:
            draft.add_text(fi=location.municipality.name_fi, sv=location.municipality.name_sv)
    if service.free_of_charge:
        draft.facets.add("free")
    return draft


def project_document(project: Project) -> DocumentDraft:
    short = project.short_name if project.short_name and project.short_name not in project.name else ""
    titles = {"fi": " ".join(filter(None, [project.name, short])), "sv": "", "en": ""}
    draft = _draft(DocumentKind.PROJECT, project, titles, _texts(project, "description"))
    for name in ("results", "good_practices", "transfer"):
        draft.add_text(**_texts(project, name))
    draft.add_text(fi=project.programme_fi, en=project.programme_en)
    draft.add_text(fi=" ".join([project.recipient, *project.co_implementers, project.region]))
    draft.add_text(en=" ".join([*project.funders, *project.target_group_details, *project.method_details]))
    draft.add_terms(project.target_groups.all(), "t")
    draft.add_terms(project.methods.all(), "s")
    draft.add_areas(project.areas.all(), project.municipalities.all())
    return draft


def training_document(training: Training) -> DocumentDraft:
    draft = _draft(DocumentKind.TRAINING, training, _texts(training, "name"), _texts(training, "description"))
    draft.add_text(fi=" ".join([training.format, training.provider]), en=" ".join(training.audience))
    draft.add_terms(training.topics.all(), "s")
    draft.add_languages(training.languages)
    if training.free_of_charge:
        draft.facets.add("free")
    return draft


def publication_document(publication: Publication) -> DocumentDraft:
    titles = {"en": publication.title, "fi": "", "sv": ""}
    draft = _draft(DocumentKind.PUBLICATION, publication, titles, _texts(publication, "description"))
    draft.add_text(en=f"{publication.authors} {publication.venue} {publication.year}")
    draft.add_terms(publication.topics.all(), "s")
    return draft


def expert_document(expert: Expert) -> DocumentDraft:
    titles = {"fi": expert.name, "sv": "", "en": ""}
    draft = _draft(DocumentKind.EXPERT, expert, titles, _texts(expert, "description"))
    draft.add_text(en=expert.get_profession_display())
    if expert.organisation_id:
        draft.add_text(fi=expert.organisation.name)
    draft.add_terms(expert.topics.all(), "s")
    draft.add_languages(expert.languages)
    if expert.area_id:
        draft.add_areas([expert.area])
    if expert.takes_consultations:
        draft.facets.add("consult")
    return draft


def organisation_document(org: Organisation) -> DocumentDraft:
    """One document per organisation, joining its HSDS entry and its PALOMA membership."""
    entry = getattr(org, "directory_entry", None)
    membership = getattr(org, "network_membership", None)
    described = entry or membership
    draft = _draft(DocumentKind.ORGANISATION, org, {"fi": org.name, "sv": org.name_sv, "en": org.name_en},
                   _texts(described, "description") if described else {"fi": "", "sv": "", "en": ""})
    draft.is_demo = bool((entry and entry.is_demo) or (membership and membership.is_demo))
    if membership is not None:
        if entry is not None:
            draft.add_text(**_texts(membership, "description"))
        if membership.area_id:
            draft.add_areas([membership.area])
        for role in membership.roles.all():
            draft.add_text(en=role.get_role_display())
            if role.collaboration_area_id:
                draft.facets.add(facet("c", role.collaboration_area.code))
    if org.home_area_id and not any(token.startswith("a") for token in draft.facets):
        draft.add_areas([org.home_area])
    return draft


BUILDERS = {Service: service_document, Project: project_document, Training: training_document,
            Publication: publication_document, Expert: expert_document,
            DirectoryOrganisation: lambda entry: organisation_document(entry.organisation),
            NetworkMember: lambda entry: organisation_document(entry.organisation)}
