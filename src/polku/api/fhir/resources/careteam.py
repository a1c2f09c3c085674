"""CareTeam: one per client (id = the Patient's id), its workers with their roles, ended memberships included."""

from __future__ import annotations

from typing import Any

from polku.api.fhir.resources.base import (
    ResourceType,
    SearchResult,
    client_scope,
    drop_empty,
    instant,
    not_found,
    ref,
    register,
)
from polku.api.fhir.search import Params, int_id, token_codes
from polku.casework.models import CareTeamMembership, Client
from polku.casework.selectors import get_client
from polku.core.errors import AccessDenied
from polku.core.models import User

CARE_ROLE_SNOMED = {"nurse": ("106292003", "Professional nurse"), "psychologist": ("59944000", "Psychologist"),
                    "doctor": ("158965000", "Medical practitioner"),
                    "social_counsellor": ("106328005", "Social worker")}


def care_team(client_id: int, organisation_id: int, memberships: list[CareTeamMembership]) -> dict[str, Any]:
    participants = []
    for membership in memberships:
        code, display = CARE_ROLE_SNOMED.get(membership.role, ("223366009", "Healthcare professional"))
        participants.append(drop_empty({
            "role": [{"coding": [{"system": "http://snomed.info/sct", "code": code, "display": display}],
                      "text": membership.get_role_display()}],
            "member": ref("Practitioner", membership.worker_id),
            "period": drop_empty({"start": instant(membership.started_at), "end": instant(membership.ended_at)}),
        }))
    active = any(m.ended_at is None for m in memberships)
    return drop_empty({
        "resourceType": "CareTeam", "id": str(client_id), "status": "active" if active else "inactive",
        "name": "Care team", "subject": ref("Patient", client_id), "participant": participants,
        "managingOrganization": [ref("Organization", organisation_id)],
    })


def _care_team_of(client) -> dict[str, Any]:
    memberships = sorted(client.care_memberships.all(), key=lambda m: (m.started_at, m.pk))
    return care_team(client.pk, client.organisation_id, memberships)


@register
class CareTeamType(ResourceType):
    """One CareTeam per client (id = the Patient's id): its workers, ended memberships with their period."""

    name = "CareTeam"
    search_params = {"_id": "token", "patient": "reference", "status": "token"}

    def read(self, *, viewer: User, ident: str) -> dict[str, Any]:
        if not ident.isdigit() or len(ident) > 18:
            raise not_found(self.name, ident)
        try:
            client = get_client(viewer=viewer, client_id=int(ident), object_type="care_team")
        except AccessDenied:
            raise not_found(self.name, ident) from None
        return care_team(client.pk, client.organisation_id,
                         list(client.care_memberships.order_by("started_at", "pk")))

    def search(self, *, viewer: User, params: Params) -> SearchResult:
        scope = client_scope(viewer=viewer, params=params, object_type="fhir_care_team_search")
        rows = scope.apply(Client.objects.prefetch_related("care_memberships").order_by("pk"), client_field="pk")
        if params.get("_id"):
            rows = rows.filter(pk__in=[int_id("_id", v) for v in params.get("_id").split(",")])
        if params.get("status"):
            codes = token_codes("status", params.get("status"), {"proposed", "active", "suspended", "inactive",
                                                                 "entered-in-error"})
            active = rows.filter(care_memberships__ended_at__isnull=True).values("pk")
            if "active" in codes and "inactive" not in codes:
                rows = rows.filter(pk__in=active)
            elif "inactive" in codes and "active" not in codes:
                rows = rows.exclude(pk__in=active)
            elif "active" not in codes:
                rows = rows.none()
        return SearchResult(rows=rows, to_fhir=_care_team_of, client_of=scope.client_of(lambda row: row.pk))

