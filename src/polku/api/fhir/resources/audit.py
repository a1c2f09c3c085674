"""AuditEvent: the access log, for the data controller (review_access_log) or the client's own care team.

Reading the log is itself a read of the client's data and is logged: the controller's on the administrative
basis (as the client's access report does), the care team's through the access core.
"""

from __future__ import annotations

from typing import Any

from polku.api.fhir.resources.base import (
    CS,
    ResourceType,
    SearchResult,
    client_scope,
    instant,
    not_found,
    ref,
    register,
)
from polku.api.fhir.search import Params, date_filter, int_id, reference_id
from polku.core import access
from polku.core.errors import AccessDenied
from polku.core.models import AccessAction, AccessBasis, AccessLog, User
from polku.core.selectors import AccessLogFilter, list_access_log

DCM = "http://dicom.nema.org/resources/ontology/DCM"
ACTION = {AccessAction.READ: "R", AccessAction.WRITE: "U", AccessAction.EXPORT: "E"}
SUBTYPE = {AccessAction.READ: ("read", "read"), AccessAction.WRITE: ("update", "update"),
           AccessAction.EXPORT: ("export", "export")}
PURPOSE = {AccessBasis.CARE_RELATIONSHIP: ("TREAT", "treatment"),
           AccessBasis.BREAK_THE_GLASS: ("ETREAT", "Emergency Treatment"),
           AccessBasis.ADMINISTRATIVE: ("HOPERAT", "healthcare operations"),
           AccessBasis.REFERRAL_RECIPIENT: ("TREAT", "treatment")}
OBJECT_TYPE = "access_log"


def audit_event(row: AccessLog) -> dict[str, Any]:
    code, display = SUBTYPE.get(row.action, ("read", "read"))
    agent: dict[str, Any] = {
        "type": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/extra-security-role-type",
                             "code": "humanuser", "display": "human user"}]},
        "who": ref("Practitioner", row.actor_id, row.actor_username) if row.actor_id
        else {"display": row.actor_username},
        "altId": row.actor_username, "requestor": True,
    }
    if row.actor_role:
        agent["role"] = [{"coding": [{"system": f"{CS}/role", "code": row.actor_role}]}]
    if row.client_ip:
        agent["network"] = {"address": row.client_ip, "type": "2"}
    if row.basis in PURPOSE:
        purpose_code, purpose_display = PURPOSE[row.basis]
        agent["purposeOfUse"] = [{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/v3-ActReason",
                                              "code": purpose_code, "display": purpose_display}]}]
    agent = {k: v for k, v in agent.items() if v not in ([], None, "")}
    entity_detail = [{"type": "basis", "valueString": row.basis}]
    if row.object_type:
        entity_detail.append({"type": "object_type", "valueString": row.object_type})
    if row.object_id:
        entity_detail.append({"type": "object_id", "valueString": row.object_id})
    if row.reason:
        entity_detail.append({"type": "reason", "valueString": row.reason})
    if row.path:
        entity_detail.append({"type": "path", "valueString": row.path})
    return {
        "resourceType": "AuditEvent", "id": str(row.pk),
        "type": {"system": DCM, "code": "110110", "display": "Patient Record"},
        "subtype": [{"system": "http://hl7.org/fhir/restful-interaction", "code": code, "display": display}],
        "action": ACTION.get(row.action, "R"), "recorded": instant(row.at),
        "outcome": "4" if row.basis == AccessBasis.DENIED else "0",
        "outcomeDesc": "denied" if row.basis == AccessBasis.DENIED else row.basis,
        "agent": [agent],
        "source": {"observer": {"display": "Polku"},
                   "type": [{"system": "http://terminology.hl7.org/CodeSystem/security-source-type", "code": "4",
                             "display": "Application Server"}]},
        "entity": [{"what": ref("Patient", row.client_id),
                    "type": {"system": "http://terminology.hl7.org/CodeSystem/audit-entity-type", "code": "1",
                             "display": "Person"},
                    "role": {"system": "http://terminology.hl7.org/CodeSystem/object-role", "code": "1",
                             "display": "Patient"},
                    "detail": entity_detail}],
    }


def _is_reviewer(viewer: User) -> bool:
    return viewer.is_active and viewer.has_perm("core.review_access_log")


def _log_reviewer_read(viewer: User, client_ids: list[int]) -> None:
    access.log_access(actor=viewer, client_ids=client_ids, action=AccessAction.READ,
                      basis=AccessBasis.ADMINISTRATIVE, object_type=OBJECT_TYPE)


def _client_of_row(row: AccessLog) -> int:
    return row.client_id


@register
class AuditEventType(ResourceType):
    name = "AuditEvent"
    search_params = {"_id": "token", "patient": "reference", "entity": "reference", "date": "date",
                     "agent": "reference", "outcome": "token"}

    def read(self, *, viewer: User, ident: str) -> dict[str, Any]:
        if not ident.isdigit() or len(ident) > 18:
            raise not_found(self.name, ident)
        client_id = AccessLog.objects.filter(pk=int(ident)).values_list("client_id", flat=True).first()
        if client_id is None:
            raise not_found(self.name, ident)
        if _is_reviewer(viewer):
            row = list_access_log(viewer=viewer, filters=AccessLogFilter()).get(pk=int(ident))
            _log_reviewer_read(viewer, [row.client_id])
            return audit_event(row)
        try:
            access.require_client_access(actor=viewer, client_id=client_id, action=AccessAction.READ,
                                         object_type=OBJECT_TYPE, object_id=client_id)
        except AccessDenied:
            raise not_found(self.name, ident) from None
        return audit_event(AccessLog.objects.get(pk=int(ident)))

    def search(self, *, viewer: User, params: Params) -> SearchResult:
        name = "entity" if params.get("entity") and not params.get("patient") else "patient"
        reviewer = _is_reviewer(viewer)
        if reviewer:
            client_id = None
            if params.get(name):
                client_id = int_id(name, reference_id(name, params.get(name), "Patient"))
            rows = list_access_log(viewer=viewer, filters=AccessLogFilter(client_id=client_id))
            client_of = _client_of_row  # the page is logged on the administrative basis
        else:
            # The care team sees its own clients' rows only: one client named, or every client of theirs.
            scope = client_scope(viewer=viewer, params=params, object_type=OBJECT_TYPE, name=name)
            rows = scope.apply(AccessLog.objects.order_by("-at", "-id"))
            client_of = scope.client_of(_client_of_row)
        if params.get("_id"):
            rows = rows.filter(pk__in=[int_id("_id", v) for v in params.get("_id").split(",")])
        if params.all("date"):
            rows = rows.filter(date_filter("date", params.all("date"), "at"))
        for value in params.all("agent"):
            rows = rows.filter(actor_id=int_id("agent", reference_id("agent", value, "Practitioner")))
        for value in params.all("outcome"):
            codes = value.split(",")
            if "4" in codes and "0" not in codes:
                rows = rows.filter(basis=AccessBasis.DENIED)
            elif "0" in codes and "4" not in codes:
                rows = rows.exclude(basis=AccessBasis.DENIED)
        return SearchResult(rows=rows, to_fhir=audit_event, client_of=client_of,
                            log_basis=AccessBasis.ADMINISTRATIVE if reviewer else AccessBasis.CARE_RELATIONSHIP)
