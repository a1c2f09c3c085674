"""Writes for the good-practice base (projects, trainings and tools, publications) and the PALOMA network.

Same rules as polku.directory.services: a history row for each creation, the entry reindexed in the
same transaction, unknown codes refused naming the field.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from polku.core.errors import DomainError
from polku.core.models import CollaborationArea, Organisation, User
from polku.directory import search
from polku.directory.inputs import ExpertInput, NetworkMemberInput, ProjectInput, PublicationInput, TrainingInput
from polku.directory.languages import validate_language_codes
from polku.directory.models import (
    Expert,
    NetworkMember,
    NetworkRole,
    PalomaTask,
    Project,
    Publication,
    TaxonomyCode,
    Training,
)
from polku.directory.services import _areas, _clean, _municipalities, _record_created, _terms, _texts


@transaction.atomic
def create_project(*, actor: User | None, data: ProjectInput) -> Project:
    """A development project of the good-practice base, with its source noted."""
    project = Project(
        name=data.name, short_name=data.short_name, recipient=data.recipient, region=data.region,
        period=data.period, period_estimated=data.period_estimated, start_date=data.start_date,
        end_date=data.end_date, programme_fi=data.programme.fi, programme_en=data.programme.en,
        funders=list(data.funders), funding_round=data.funding_round, co_implementers=list(data.co_implementers),
        partners=list(data.partners),
        budget_band=data.budget_band, eura_code=data.eura_code, target_group_details=list(data.target_group_details),
        method_details=list(data.method_details), links=list(data.links), source=data.source,
        last_verified=data.last_verified, **_texts("description", data.description),
        **_texts("results", data.results), **_texts("good_practices", data.good_practices),
        **_texts("transfer", data.transfer))
    _clean(project)
    project.save()
    project.areas.set(_areas(data.area_codes))
    project.municipalities.set(_municipalities(data.municipality_codes))
    project.target_groups.set(_terms(data.target_groups, TaxonomyCode.TARGET_GROUP, field="target_groups"))
    project.methods.set(_terms(data.methods, TaxonomyCode.METHOD, field="methods"))
    _record_created(actor, project, project.name)
    search.index_entry(project)
    return project


@transaction.atomic
def create_training(*, actor: User | None, data: TrainingInput) -> Training:
    """A training, tool or material; its languages must be ISO 639 codes."""
    training = Training(kind=data.kind, audience=list(data.audience),
                        languages=validate_language_codes(data.languages), format=data.format,
                        duration=data.duration, url=data.url, provider=data.provider,
                        free_of_charge=data.free_of_charge, self_help=data.self_help, source=data.source,
                        is_demo=data.is_demo, last_verified=data.last_verified, **_texts("name", data.name),
                        **_texts("description", data.description))
    _clean(training)
    training.save()
    training.topics.set(_terms(data.topics, TaxonomyCode.SERVICE_TYPE, field="topics"))
    _record_created(actor, training, training.name_fi)
    search.index_entry(training)
    return training


@transaction.atomic
def create_publication(*, actor: User | None, data: PublicationInput) -> Publication:
    """A research publication (year, authors, venue)."""
    publication = Publication(title=data.title, authors=data.authors, year=data.year, venue=data.venue,
                              url=data.url, source=data.source, last_verified=data.last_verified,
                              **_texts("description", data.description))
    _clean(publication)
    publication.save()
    publication.topics.set(_terms(data.topics, TaxonomyCode.SERVICE_TYPE, field="topics"))
    _record_created(actor, publication, publication.title)
    search.index_entry(publication)
    return publication


def _roles(roles: Sequence[tuple[str, str]], **holder) -> None:
    for role, area_code in roles:
        area = CollaborationArea.objects.get(code=area_code) if area_code else None
        role_row = NetworkRole(role=role, collaboration_area=area, **holder)
        _clean(role_row)
        role_row.save()


@transaction.atomic
def create_network_member(*, actor: User | None, organisation: Organisation,
                          data: NetworkMemberInput) -> NetworkMember:
    """A PALOMA network member with its tasks and roles per collaboration area."""
    unknown = [task for task in data.tasks if task not in PalomaTask.values]
    if unknown:
        raise DomainError("unknown_term", _("Unknown choice: %(codes)s.") % {"codes": ", ".join(unknown)},
                          field="tasks")
    member = NetworkMember(organisation=organisation, tasks=list(data.tasks), is_demo=data.is_demo,
                           area=_areas([data.area_code])[0] if data.area_code else None,
                           last_verified=data.last_verified, **_texts("description", data.description))
    _clean(member, exclude=["organisation", "area"])
    member.save()
    _roles(data.roles, member=member)
    _record_created(actor, member, organisation.name)
    search.index_entry(member)
    return member


@transaction.atomic
def create_expert(*, actor: User | None, organisation: Organisation | None, data: ExpertInput) -> Expert:
    """An expert of the network: profession, languages, topics, area, whether they take consultations."""
    expert = Expert(name=data.name, organisation=organisation, profession=data.profession,
                    languages=validate_language_codes(data.languages),
                    area=_areas([data.area_code], field="area")[0] if data.area_code else None,
                    takes_consultations=data.takes_consultations, is_demo=data.is_demo,
                    last_verified=data.last_verified, **_texts("description", data.description))
    _clean(expert, exclude=["organisation", "area"])
    expert.save()
    expert.topics.set(_terms(data.topics, TaxonomyCode.SERVICE_TYPE, field="topics"))
    _roles(data.roles, expert=expert)
    _record_created(actor, expert, expert.name)
    search.index_entry(expert)
    return expert
