"""Writes for the core app: reference areas, role groups, users, organisations."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from django.contrib.auth.models import Group, Permission
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from polku.core.business_id import MESSAGES as BUSINESS_ID_MESSAGES
from polku.core.business_id import business_id_problem
from polku.core.errors import DomainError
from polku.core.models import (
    Area,
    AreaKind,
    CollaborationArea,
    Municipality,
    Organisation,
    OrganisationType,
    User,
)
from polku.core.roles import ROLE_PERMISSIONS, CoordinatorScope, Profession, Role, group_name

DATA_DIR = Path(__file__).resolve().parent / "data"
TOPOJSON = DATA_DIR / "finland-hva-2021.topo.json"
COLLABORATION_AREAS = DATA_DIR / "collaboration_areas.json"

# In the 2021 TopoJSON the City of Helsinki and the 16 Åland municipalities share an empty hva_id.
HELSINKI_MUNICIPALITY = "091"
HELSINKI = {"code": "HEL", "kind": AreaKind.CITY_OF_HELSINKI, "name_fi": "Helsingin kaupunki",
            "name_sv": "Helsingfors stad", "short_name_fi": "Helsinki", "short_name_sv": "Helsingfors"}
ALAND = {"code": "AL", "kind": AreaKind.ALAND, "name_fi": "Ahvenanmaa", "name_sv": "Åland",
         "short_name_fi": "Ahvenanmaa", "short_name_sv": "Åland"}


@dataclass(frozen=True)
class AreaLoadResult:
    collaboration_areas: int
    areas: int
    municipalities: int


@transaction.atomic
def load_areas(*, topojson_path: Path = TOPOJSON,
               collaboration_path: Path = COLLABORATION_AREAS) -> AreaLoadResult:
    """Load collaboration areas, wellbeing services areas and municipalities; idempotent upsert."""
    topo = json.loads(topojson_path.read_text(encoding="utf-8"))
    collaboration = json.loads(collaboration_path.read_text(encoding="utf-8"))["collaboration_areas"]
    area_to_collab: dict[str, CollaborationArea] = {}
    for entry in collaboration:
        collab, _created = CollaborationArea.objects.update_or_create(
            code=entry["code"],
            defaults={key: entry[key] for key in ("name_fi", "name_sv", "name_en", "university_hospital")},
        )
        for area_code in entry["areas"]:
            if area_code in area_to_collab:
                raise DomainError("area_in_two_collaboration_areas", f"{area_code} is listed twice")
            area_to_collab[area_code] = collab

    munis = topo["objects"]["munis"]["geometries"]
    areas: dict[str, Area] = {}
    for geometry in topo["objects"]["hva"]["geometries"]:
        props = geometry["properties"]
        if not props.get("hva_id"):
            continue  # Helsinki + Åland combined; created below from their municipalities
        code = props["hva_id"]
        areas[code] = _upsert_area(code=code, kind=AreaKind.WELLBEING_SERVICES_COUNTY,
                                   name_fi=props["name_fi"], name_sv=props["name_sv"] or "",
                                   short_name_fi=props["short_name_fi"],
                                   short_name_sv=props["short_name_sv"] or "",
                                   collaboration_area=area_to_collab.get(code))
    areas["HEL"] = _upsert_area(**HELSINKI, collaboration_area=area_to_collab.get("HEL"))
    areas["AL"] = _upsert_area(**ALAND, collaboration_area=None)

    population: dict[str, int] = {}
    for geometry in munis:
        props = geometry["properties"]
        area_code = props["hva_id"] or ("HEL" if props["id"] == HELSINKI_MUNICIPALITY else "AL")
        Municipality.objects.update_or_create(
            code=props["id"],
            defaults={"name_fi": props["name_fi"], "name_sv": props["name_sv"] or "",
                      "area": areas[area_code], "population_2020": props.get("population") or 0},
        )
        population[area_code] = population.get(area_code, 0) + (props.get("population") or 0)
    for code, area in areas.items():
        if area.population_2020 != population.get(code, 0):
            area.population_2020 = population.get(code, 0)
            area.save(update_fields=["population_2020"])
    return AreaLoadResult(collaboration_areas=CollaborationArea.objects.count(), areas=Area.objects.count(),
                          municipalities=Municipality.objects.count())


def _upsert_area(*, code: str, collaboration_area: CollaborationArea | None, **fields) -> Area:
    if fields["kind"] != AreaKind.ALAND and collaboration_area is None:
        raise DomainError("area_without_collaboration_area",
                          f"Wellbeing services area {code} is missing from the collaboration-area table")
    area, _created = Area.objects.update_or_create(
        code=code, defaults={**fields, "collaboration_area": collaboration_area})
    return area


@transaction.atomic
def ensure_role_groups() -> list[Group]:
    """Create or update one group per role holding exactly that role's permissions."""
    permissions = {p.codename: p for p in Permission.objects.filter(content_type__app_label="core")}
    groups = []
    for role, codenames in ROLE_PERMISSIONS.items():
        group, _created = Group.objects.get_or_create(name=group_name(role))
        group.permissions.set([permissions[c] for c in sorted(codenames)])
        groups.append(group)
    return groups


@transaction.atomic
def create_user(*, username: str, password: str | None, role: Role | str, organisation: Organisation | None,
                first_name: str = "", last_name: str = "", email: str = "", profession: str = "",
                coordinator_scope: str = "", coordinator_area: CollaborationArea | None = None,
                is_superuser: bool = False) -> User:
    """Create a user with a role; the role's group gives the permission set."""
    role = Role(role)
    if profession and role not in (Role.PROFESSIONAL, Role.TEAM_LEAD):
        raise DomainError("profession_not_allowed", _("Only professionals and team leads have a profession."),
                          field="profession")
    if profession:
        Profession(profession)
    if role == Role.PROFESSIONAL and not profession:
        raise DomainError("profession_required", _("Choose the professional's profession."), field="profession")
    if role == Role.COORDINATOR:
        scope = CoordinatorScope(coordinator_scope or CoordinatorScope.NATIONAL)
        if scope == CoordinatorScope.AREA and coordinator_area is None:
            raise DomainError("coordinator_area_required", _("Choose the coordinator's collaboration area."),
                              field="coordinator_area")
        coordinator_scope = scope.value
    if User.objects.filter(username__iexact=username).exists():
        raise DomainError("username_taken", _("That user name is already in use."), field="username")
    user = User(username=username, first_name=first_name, last_name=last_name, email=email, role=role.value,
                profession=profession, organisation=organisation, coordinator_scope=coordinator_scope,
                coordinator_area=coordinator_area, is_superuser=is_superuser, is_staff=is_superuser)
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    ensure_role_groups()
    user.groups.add(Group.objects.get(name=group_name(role)))
    return user


def get_or_create_organisation(*, name: str, type: OrganisationType | str, parent: Organisation | None = None,
                               home_area: Area | None = None, name_sv: str = "", name_en: str = "") -> Organisation:
    """Find an organisation by name under its parent, creating it when missing."""
    organisation, _created = Organisation.objects.get_or_create(
        name=name, parent=parent,
        defaults={"type": OrganisationType(type).value, "home_area": home_area, "name_sv": name_sv,
                  "name_en": name_en},
    )
    return organisation


@transaction.atomic
def create_organisation(*, name: str, type: OrganisationType | str, parent: Organisation | None = None,
                        home_area: Area | None = None, business_id: str = "", name_sv: str = "",
                        name_en: str = "") -> Organisation:
    """Create an organisation; its name is unique under its parent (top-level names are unique too)."""
    names = {field: _organisation_name(value, field=field, required=field == "name")
             for field, value in (("name", name), ("name_sv", name_sv), ("name_en", name_en))}
    if type not in OrganisationType.values:
        raise DomainError("organisation_type_unknown",
                          _("“%(value)s” is not an organisation type; choose one of: %(choices)s.")
                          % {"value": type, "choices": ", ".join(OrganisationType.values)}, field="type")
    business_id = business_id.strip()
    problem = business_id_problem(business_id) if business_id else None
    if problem is not None:
        raise DomainError(f"business_id_{problem}", BUSINESS_ID_MESSAGES[problem], field="business_id")
    organisation = Organisation(**names, type=OrganisationType(type).value, parent=parent, home_area=home_area,
                                business_id=business_id)
    _save_with_unique_name(organisation)
    return organisation


@transaction.atomic
def rename_organisation(*, organisation: Organisation, name: str) -> Organisation:
    """Give an organisation another name, unique under its parent; users and children stay attached by id."""
    organisation.name = _organisation_name(name, field="name", required=True)
    _save_with_unique_name(organisation)
    return organisation


def _organisation_name(value: str, *, field: str, required: bool = False) -> str:
    name = value.strip()
    if required and not name:
        raise DomainError("organisation_name_required", _("Give the organisation a name."), field=field)
    limit = Organisation._meta.get_field(field).max_length
    if len(name) > limit:
        raise DomainError("organisation_name_too_long",
                          _("A name is at most %(limit)d characters long; this one has %(length)d.")
                          % {"limit": limit, "length": len(name)}, field=field)
    return name


def _save_with_unique_name(organisation: Organisation) -> None:
    # No look-before-you-leap: the unique constraints decide, so two operators adding the same name at once
    # get the same clear error. The savepoint keeps the caller's transaction usable after the refusal.
    try:
        with transaction.atomic():
            organisation.save()
    except IntegrityError:
        taken = Organisation.objects.filter(name=organisation.name, parent=organisation.parent)
        if not taken.exclude(pk=organisation.pk).exists():
            raise  # another constraint refused the row; not a name clash, so not this message
        if organisation.parent is None:
            message = _("There is already a top-level organisation named “%(name)s”.") % {"name": organisation.name}
        else:
            message = (_("“%(parent)s” already has an organisation named “%(name)s”.")
                       % {"parent": organisation.parent.name, "name": organisation.name})
        raise DomainError("organisation_name_taken", message, field="name") from None
