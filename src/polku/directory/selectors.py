"""Reads for the directory pages: entries with their parts, map figures, stale entries, the Find-help list.

The directory holds no client data, so these reads need no access check; curation rights are checked
by the views (permission core.curate_directory).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from django.db.models import Prefetch, Q
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language

from polku.core.models import Area, CollaborationArea, Municipality, Organisation
from polku.directory import search
from polku.directory.models import (
    ChangeRecord,
    DirectoryOrganisation,
    DocumentKind,
    Expert,
    Location,
    NetworkMember,
    Project,
    Publication,
    Service,
    ServiceArea,
    ServiceLanguage,
    TaxonomyCode,
    TaxonomyTerm,
    Training,
    localised,
)

STALE_AFTER_DAYS = 365  # "last verified" more than 12 months ago: the entry goes to the review list
FIND_HELP_TYPES = ("low-threshold", "crisis", "crisis-phone")
KIND_MODELS = {"service": Service, "project": Project, "training": Training, "publication": Publication,
               "expert": Expert, "organisation": DirectoryOrganisation, "network_member": NetworkMember,
               "location": Location}


def entry_url(kind: str, entry) -> str:
    """The page of an entry of any kind."""
    if kind in ("organisation", "network_member"):
        return reverse("directory:organisation", args=[entry.organisation_id])
    return reverse(f"directory:{kind}", args=[entry.uuid])


def document_url(document) -> str:
    """The page a search document points to."""
    if document.kind == DocumentKind.ORGANISATION:
        return reverse("directory:organisation", args=[document.object_id])
    model = KIND_MODELS[document.kind]
    return reverse(f"directory:{document.kind}", args=[model.objects.values_list("uuid", flat=True)
                                                     .get(pk=document.object_id)])


@dataclass(frozen=True)
class ResultRow:
    kind: str
    title: str
    summary: str  # highlighted, safe HTML
    url: str
    is_demo: bool


def result_rows(result: search.SearchResult) -> list[ResultRow]:
    """Search hits as rows in the UI language, with the query's words marked."""
    uuids = {}
    for kind in {hit.kind for hit in result.hits} - {DocumentKind.ORGANISATION}:
        ids = [hit.object_id for hit in result.hits if hit.kind == kind]
        uuids[kind] = dict(KIND_MODELS[kind].objects.filter(pk__in=ids).values_list("pk", "uuid"))
    rows = []
    for hit in result.hits:
        doc = hit.document
        if hit.kind == DocumentKind.ORGANISATION:
            url = reverse("directory:organisation", args=[hit.object_id])
        else:
            url = reverse(f"directory:{hit.kind}", args=[uuids[hit.kind][hit.object_id]])
        rows.append(ResultRow(kind=hit.kind, title=search.highlight(localised(doc, "title"), result.lexemes),
                              summary=search.highlight(localised(doc, "summary"), result.lexemes), url=url,
                              is_demo=doc.is_demo))
    return rows


def get_service(uuid) -> Service:
    """A service with everything its page shows."""
    return get_object_or_404(Service.objects.select_related("organisation__organisation").prefetch_related(
        "service_types", "target_groups", "languages", "service_areas__municipality", "service_areas__area",
        "service_at_locations__location__municipality", "cost_options", "required_documents", "phones",
        "schedules", "contacts"), uuid=uuid)


def get_entry(kind: str, uuid):
    """An entry of the good-practice base or the network by its HSDS identifier."""
    related = {"project": (["target_groups", "methods", "areas", "municipalities"], []),
               "training": (["topics"], []), "publication": (["topics"], []),
               "expert": (["topics", "roles__collaboration_area"], ["organisation", "area"])}
    prefetch, select = related.get(kind, ([], []))
    return get_object_or_404(KIND_MODELS[kind].objects.select_related(*select).prefetch_related(*prefetch),
                             uuid=uuid)


def get_organisation(pk: int) -> tuple[Organisation, DirectoryOrganisation | None, NetworkMember | None]:
    """An organisation with its directory entry and PALOMA membership (either may be missing, not both)."""
    organisation = get_object_or_404(Organisation, pk=pk)
    entry = DirectoryOrganisation.objects.filter(organisation=organisation).prefetch_related(
        Prefetch("services", queryset=Service.objects.order_by("name_fi"))).first()
    member = NetworkMember.objects.filter(organisation=organisation).prefetch_related(
        "roles__collaboration_area").first()
    if entry is None and member is None:
        from django.http import Http404

        raise Http404
    return organisation, entry, member


def list_history(entry) -> list[ChangeRecord]:
    """The entry's change history, newest first."""
    return list(ChangeRecord.objects.filter(resource_uuid=entry.uuid).order_by("-at", "-id"))


def list_stale(*, today: dt.date | None = None) -> list[tuple[str, object, str]]:
    """(kind, entry, url) of entries never verified or last verified over 12 months ago, oldest first."""
    today = today or timezone.localdate()
    limit = today - dt.timedelta(days=STALE_AFTER_DAYS)
    rows = []
    for kind, model in KIND_MODELS.items():
        queryset = model.objects.filter(Q(last_verified__isnull=True) | Q(last_verified__lt=limit))
        if kind in ("organisation", "network_member"):
            queryset = queryset.select_related("organisation")
        for entry in queryset:
            rows.append((kind, entry, entry_url(kind, entry) if kind != "location" else ""))
    return sorted(rows, key=lambda row: (row[1].last_verified or dt.date.min, row[0]))


# --- The map ------------------------------------------------------------------------------------

MEASURES = ("services", "actors", "projects")


def map_counts(measure: str) -> dict[str, int]:
    """Per area code: services offered there, network actors (members and experts) there, or projects.

    Counted from (entry, area code) pairs read as plain values: the map is on every directory page, and
    building a model object for every service and its areas cost more than the rest of the map together."""
    if measure == "actors":
        counts: Counter[str] = Counter(NetworkMember.objects.exclude(area=None).values_list("area__code", flat=True))
        counts.update(Expert.objects.exclude(area=None).values_list("area__code", flat=True))
        return dict(counts)
    if measure == "projects":
        pairs = set(Project.objects.exclude(areas=None).values_list("pk", "areas__code"))
        pairs |= set(Project.objects.exclude(municipalities=None).values_list("pk", "municipalities__area__code"))
    else:
        # A service area is a whole area or one municipality (a database constraint); either names one area.
        pairs = set(ServiceArea.objects.filter(service__status="active")
                    .values_list("service_id", Coalesce("area__code", "municipality__area__code")))
    return dict(Counter(code for _entry, code in pairs if code is not None))


def collaboration_membership() -> tuple[tuple[str, tuple[str, ...]], ...]:
    """Collaboration-area code -> its areas' codes, for outlining (one query)."""
    membership: dict[str, list[str]] = {}
    for collaboration, area in CollaborationArea.objects.order_by("code", "areas__code").values_list("code",
                                                                                                    "areas__code"):
        membership.setdefault(collaboration, [])
        if area is not None:
            membership[collaboration].append(area)
    return tuple((code, tuple(areas)) for code, areas in membership.items())


def list_areas() -> list[Area]:
    """Areas for the filter list and the map table, by short name."""
    return list(Area.objects.select_related("collaboration_area").order_by("short_name_fi"))


# --- Find help (public) ---------------------------------------------------------------------------

@dataclass(frozen=True)
class HelpItem:
    service: Service
    speaks_language: bool  # staff use the person's language
    via_interpreter: bool  # the person's language through an interpreter


def find_help(*, municipality: Municipality, language: str) -> list[HelpItem]:
    """Active low-threshold and crisis services for a municipality (or its whole area, or all of Finland),
    those in the person's own language first."""
    services = (Service.objects.filter(status="active", service_types__code__in=FIND_HELP_TYPES)
                .filter(Q(service_areas__municipality=municipality) | Q(service_areas__area=municipality.area_id))
                .distinct().select_related("organisation__organisation").prefetch_related(
                    "service_types", "languages", "phones", "schedules", "cost_options",
                    "service_at_locations__location__municipality"))
    items = []
    for service in services:
        codes = {(item.code, item.provision) for item in service.languages.all()}
        items.append(HelpItem(service=service, speaks_language=(language, "staff") in codes,
                              via_interpreter=(language, "interpreter") in codes or (
                                  service.interpretation_available and (language, "staff") not in codes)))
    return sorted(items, key=lambda item: (not item.speaks_language, not item.via_interpreter,
                                           item.service.name_fi))


def list_self_help(*, language: str) -> list[Training]:
    """Self-help materials in the language, and those whose languages the source does not name."""
    materials = Training.objects.filter(self_help=True).order_by("-is_demo", "name_fi")
    return [m for m in materials if language in m.languages or not m.languages]


def municipality_choices() -> list[tuple[str, str]]:
    """(code, name in the current language) of every municipality, by Finnish name: the filter's 300 options
    read as values (model objects for them cost more than the rest of the filter form)."""
    swedish = get_language() == "sv"
    return [(code, name_sv if swedish and name_sv else name_fi)
            for code, name_fi, name_sv in Municipality.objects.order_by("name_fi").values_list("code", "name_fi",
                                                                                                "name_sv")]


def target_groups() -> list[TaxonomyTerm]:
    """Target-group terms for filters."""
    return list(TaxonomyTerm.objects.filter(taxonomy__code=TaxonomyCode.TARGET_GROUP).order_by("name_fi"))


def service_types() -> list[TaxonomyTerm]:
    """Service-type terms for filters."""
    return list(TaxonomyTerm.objects.filter(taxonomy__code=TaxonomyCode.SERVICE_TYPE).order_by("name_fi"))


def service_language_codes() -> list[str]:
    """Languages that some service is offered in, for the language filter."""
    return sorted(set(ServiceLanguage.objects.values_list("code", flat=True)))
