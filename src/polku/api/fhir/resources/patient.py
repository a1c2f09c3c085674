"""Patient (a client) and Practitioner (a worker)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from polku.api.fhir.resources.base import (
    BCP47,
    SID,
    ResourceType,
    SearchResult,
    day,
    drop_empty,
    language,
    not_found,
    numeric,
    ref,
    register,
)
from polku.api.fhir.search import Params, bad_value, int_id
from polku.casework.models import Client, ClientStatus
from polku.casework.selectors import get_client, visible_clients
from polku.core.errors import AccessDenied
from polku.core.models import User

INTERPRETER_REQUIRED = "http://hl7.org/fhir/StructureDefinition/patient-interpreterRequired"
# OID of the Finnish personal identity code (henkilötunnus), as Kanta uses it.
HETU_SYSTEM = "urn:oid:1.2.246.21"
TEMPORARY_ID_SYSTEM = f"{SID}/temporary-identity-code"
MIGRI_SYSTEM = f"{SID}/migri-client-number"
CLIENT_SYSTEM = f"{SID}/client"
GENDER = {"woman": "female", "man": "male", "non_binary": "other", "other": "other", "not_stated": "unknown"}


def _identifiers(client: Client) -> list[dict[str, str]]:
    found = [{"use": "usual", "system": CLIENT_SYSTEM, "value": str(client.pk)}]
    if client.identity_code:
        system = TEMPORARY_ID_SYSTEM if client.identity_code_is_temporary else HETU_SYSTEM
        found.append({"use": "temp" if client.identity_code_is_temporary else "official", "system": system,
                      "value": client.identity_code})
    if client.immigration_number:
        found.append({"use": "secondary", "system": MIGRI_SYSTEM, "value": client.immigration_number})
    return found


def _communication(client: Client, languages: list[str]) -> list[dict[str, Any]]:
    """The preferred language first (preferred=true), then the other languages the client speaks."""
    codes = [client.preferred_language] if client.preferred_language else []
    if client.interpreter_needed and client.interpreter_language:
        codes.append(client.interpreter_language)
    codes += languages
    seen: list[str] = []
    for code in codes:
        if code and code not in seen:
            seen.append(code)
    return [language(code, preferred=(code == client.preferred_language)) for code in seen]


def patient(client: Client) -> dict[str, Any]:
    names = [drop_empty({"use": "official", "family": client.family_name_latin,
                         "given": client.given_names_latin.split()})]
    if client.native_name and client.native_name != client.display_name:
        names.append(drop_empty({"use": "usual", "text": client.native_name, "family": client.family_name,
                                 "given": client.given_names.split()}))
    telecom = []
    if client.phone:
        telecom.append({"system": "phone", "value": client.phone})
    if client.email:
        telecom.append({"system": "email", "value": client.email})
    birth = day(client.birth_date) or (str(client.birth_year) if client.birth_year else None)
    languages = [row.language for row in client.languages.all()]
    resource = {
        "resourceType": "Patient", "id": str(client.pk),
        "extension": [{"url": INTERPRETER_REQUIRED, "valueBoolean": client.interpreter_needed}],
        "identifier": _identifiers(client),
        "active": client.status == ClientStatus.ACTIVE,
        "name": names, "telecom": telecom, "gender": GENDER.get(client.gender, "unknown"), "birthDate": birth,
        "address": [{"use": "home", "city": client.municipality.name_fi, "country": "FI"}]
        if client.municipality_id else [],
        "communication": _communication(client, languages),
        "managingOrganization": ref("Organization", client.organisation_id),
    }
    if client.merged_into_id:
        resource["link"] = [{"other": ref("Patient", client.merged_into_id), "type": "replaced-by"}]
    return drop_empty(resource)


def _identifier_filter(value: str) -> Q:
    system, bar, code = value.rpartition("|")
    if not bar:
        return Q(identity_code=code) | Q(immigration_number=code) | (Q(pk=code) if code.isdigit() else Q(pk=None))
    return {HETU_SYSTEM: Q(identity_code=code, identity_code_is_temporary=False),
            TEMPORARY_ID_SYSTEM: Q(identity_code=code, identity_code_is_temporary=True),
            MIGRI_SYSTEM: Q(immigration_number=code),
            CLIENT_SYSTEM: Q(pk=code) if code.isdigit() else Q(pk=None)}.get(system, Q(pk=None))


@register
class PatientType(ResourceType):
    name = "Patient"
    search_params = {"_id": "token", "identifier": "token", "name": "string", "family": "string",
                     "given": "string", "birthdate": "date", "language": "token"}

    def read(self, *, viewer: User, ident: str) -> dict[str, Any]:
        try:
            client = get_client(viewer=viewer, client_id=numeric(self.name, ident), object_type="fhir_patient")
        except AccessDenied:
            raise not_found(self.name, ident) from None
        return patient(client)

    def search(self, *, viewer: User, params: Params) -> SearchResult:
        clients = (visible_clients(viewer=viewer) if viewer.has_perm("core.work_with_clients")
                   else Client.objects.none())
        clients = clients.exclude(status=ClientStatus.MERGED)
        if params.get("_id"):
            clients = clients.filter(pk__in=[int_id("_id", v) for v in params.get("_id").split(",")])
        for value in params.all("identifier"):
            clients = clients.filter(_identifier_filter(value))
        for term in params.all("name"):
            clients = clients.filter(Q(given_names_latin__icontains=term) | Q(family_name_latin__icontains=term)
                                     | Q(given_names__icontains=term) | Q(family_name__icontains=term))
        for term in params.all("family"):
            clients = clients.filter(Q(family_name_latin__istartswith=term) | Q(family_name__istartswith=term))
        for term in params.all("given"):
            clients = clients.filter(Q(given_names_latin__icontains=term) | Q(given_names__icontains=term))
        for value in params.all("birthdate"):
            clients = clients.filter(_birthdate_filter(value))
        for value in params.all("language"):
            code = value.rpartition("|")[2]
            if "|" in value and value.rpartition("|")[0] != BCP47:
                clients = clients.none()
            clients = clients.filter(Q(preferred_language=code) | Q(languages__language=code)
                                     | Q(interpreter_language=code, interpreter_needed=True))
        clients = (clients.distinct().select_related("municipality").prefetch_related("languages")
                   .order_by("family_name_latin", "given_names_latin", "pk"))
        return SearchResult(rows=clients, to_fhir=patient, client_of=lambda client: client.pk)


def _birthdate_filter(value: str) -> Q:
    """birthdate=YYYY[-MM[-DD]]: an exact day matches the date; a year also matches clients known by year only."""
    parts = value.split("-")
    if not all(part.isdigit() for part in parts) or len(parts) > 3 or len(parts[0]) != 4:
        raise bad_value("birthdate", value)
    year = int(parts[0])
    if len(parts) == 1:
        return Q(birth_year=year)
    if len(parts) == 2:
        return Q(birth_date__year=year, birth_date__month=int(parts[1]))
    return Q(birth_date__year=year, birth_date__month=int(parts[1]), birth_date__day=int(parts[2]))


PROFESSION_CODES = {"nurse": ("224535", "Nurse"), "social_counsellor": ("2635", "Social work and counselling "
                                                                                 "professional"),
                    "psychologist": ("2634", "Psychologist"), "doctor": ("221", "Medical doctor")}


def practitioner(user: User) -> dict[str, Any]:
    qualification = []
    if user.profession in PROFESSION_CODES:
        code, display = PROFESSION_CODES[user.profession]
        qualification = [{"code": {"coding": [{"system": "urn:oid:2.16.840.1.113883.2.9.6.2.7",
                                                "code": code, "display": display}],
                                   "text": user.get_profession_display()}}]
    return drop_empty({
        "resourceType": "Practitioner", "id": str(user.pk), "active": user.is_active,
        "name": [drop_empty({"family": user.last_name, "given": user.first_name.split(),
                             "text": user.get_full_name() or user.username})],
        "qualification": qualification,
    })


@register
class PractitionerType(ResourceType):
    """Workers of the viewer's own organisation: names and professions, the directory of who does the work."""

    name = "Practitioner"
    client_data = False
    search_params = {"_id": "token", "name": "string"}

    def _users(self, viewer: User):
        if viewer.organisation_id is None:
            return User.objects.none()
        return User.objects.filter(organisation_id=viewer.organisation_id, is_active=True,
                                   api_client__isnull=True).order_by("last_name", "first_name", "pk")

    def read(self, *, viewer: User, ident: str) -> dict[str, Any]:
        user = self._users(viewer).filter(pk=numeric(self.name, ident)).first()
        if user is None:
            raise not_found(self.name, ident)
        return practitioner(user)

    def search(self, *, viewer: User, params: Params) -> SearchResult:
        users = self._users(viewer)
        if params.get("_id"):
            users = users.filter(pk__in=[int_id("_id", v) for v in params.get("_id").split(",")])
        for term in params.all("name"):
            users = users.filter(Q(first_name__icontains=term) | Q(last_name__icontains=term)
                                 | Q(username__iexact=term))
        return SearchResult(rows=users, to_fhir=practitioner)
