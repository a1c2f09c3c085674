"""ServiceRequest (a referral) and Task (its progress through the referral state machine)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from polku.api.fhir.outcome import FhirError
from polku.api.fhir.resources.base import (
    CS,
    ResourceType,
    SearchResult,
    aware_datetime,
    client_for_write,
    client_scope,
    drop_empty,
    instant,
    not_found,
    ref,
    register,
)
from polku.api.fhir.search import Params, date_filter, int_id, reference_id, token_codes
from polku.core.errors import AccessDenied
from polku.core.models import User
from polku.referrals.models import Referral, ReferralDirection, ReferralStatus, ReferralUrgency
from polku.referrals.selectors import get_referral
from polku.referrals.services.referrals import record_incoming_referral

S = ReferralStatus
SERVICE_REQUEST_STATUS = {S.DRAFT: "draft", S.SENT: "active", S.RECEIVED: "active", S.ACCEPTED: "active",
                          S.APPOINTMENT_BOOKED: "active", S.APPOINTMENT_HELD: "completed", S.CLOSED: "completed",
                          S.REJECTED: "revoked", S.WITHDRAWN: "revoked", S.EXPIRED: "revoked"}
# Task.status for each state of the machine; businessStatus carries the state itself.
TASK_STATUS = {S.DRAFT: "draft", S.SENT: "requested", S.RECEIVED: "received", S.ACCEPTED: "accepted",
               S.REJECTED: "rejected", S.APPOINTMENT_BOOKED: "in-progress", S.APPOINTMENT_HELD: "in-progress",
               S.CLOSED: "completed", S.WITHDRAWN: "cancelled", S.EXPIRED: "failed"}
PRIORITY = {ReferralUrgency.ROUTINE: "routine", ReferralUrgency.SOON: "urgent", ReferralUrgency.URGENT: "asap"}
URGENCY = {"routine": ReferralUrgency.ROUTINE, "urgent": ReferralUrgency.SOON, "asap": ReferralUrgency.URGENT,
           "stat": ReferralUrgency.URGENT}
REFERRAL_STATUS_SYSTEM = f"{CS}/referral-status"
SNOMED_REFERRAL = {"system": "http://snomed.info/sct", "code": "3457005", "display": "Patient referral"}


def _rows():
    return Referral.objects.select_related("target_service__organisation", "sending_organisation", "client")


def _performer(referral: Referral) -> list[dict[str, Any]]:
    if referral.target_service_id:
        return [ref("Organization", referral.target_service.organisation_id, referral.target_service.name_fi)]
    return []


def _requester(referral: Referral) -> dict[str, Any] | None:
    if referral.direction == ReferralDirection.INCOMING:
        return {"display": referral.external_sender}
    if referral.sent_by_id:
        return ref("Practitioner", referral.sent_by_id)
    return None


def service_request(referral: Referral) -> dict[str, Any]:
    return drop_empty({
        "resourceType": "ServiceRequest", "id": str(referral.pk),
        "status": SERVICE_REQUEST_STATUS[referral.status], "intent": "order",
        "category": [{"coding": [SNOMED_REFERRAL]}], "priority": PRIORITY.get(referral.urgency, "routine"),
        "code": {"text": referral.target_service.name_fi if referral.target_service_id
                 else referral.get_direction_display()},
        "subject": ref("Patient", referral.client_id),
        "occurrenceDateTime": instant(referral.appointment_at),
        "authoredOn": instant(referral.sent_at or referral.received_at or referral.created_at),
        "requester": _requester(referral), "performer": _performer(referral),
        "reasonCode": [{"text": referral.reason}],
    })


def task(referral: Referral) -> dict[str, Any]:
    reason = referral.rejection_reason or referral.withdraw_reason or referral.expire_reason
    return drop_empty({
        "resourceType": "Task", "id": str(referral.pk),
        "basedOn": [ref("ServiceRequest", referral.pk)],
        "status": TASK_STATUS[referral.status],
        "businessStatus": {"coding": [{"system": REFERRAL_STATUS_SYSTEM, "code": referral.status,
                                       "display": str(ReferralStatus(referral.status).label)}]},
        "statusReason": {"text": reason} if reason else None,
        "intent": "order", "priority": PRIORITY.get(referral.urgency, "routine"),
        "code": {"coding": [{"system": "http://hl7.org/fhir/CodeSystem/task-code", "code": "fulfill"}]},
        "focus": ref("ServiceRequest", referral.pk), "for": ref("Patient", referral.client_id),
        "authoredOn": instant(referral.created_at), "lastModified": instant(referral.status_changed_at),
        "requester": _requester(referral), "owner": (_performer(referral) or [None])[0],
        "executionPeriod": drop_empty({"start": instant(referral.sent_at or referral.received_at),
                                       "end": instant(referral.closed_at)}),
    })


def _read(resource_type: str, viewer: User, ident: str) -> Referral:
    if not ident.isdigit() or len(ident) > 18:
        raise not_found(resource_type, ident)
    try:
        get_referral(viewer=viewer, referral_id=int(ident))
    except AccessDenied:
        raise not_found(resource_type, ident) from None
    return _rows().get(pk=int(ident))


def _search(viewer: User, params: Params, *, object_type: str, name: str, statuses: dict[str, str]):
    scope = client_scope(viewer=viewer, params=params, object_type=object_type)
    rows = scope.apply(_rows()).order_by("created_at", "pk")
    if params.get("_id"):
        rows = rows.filter(pk__in=[int_id("_id", v) for v in params.get("_id").split(",")])
    if params.get("status"):
        codes = token_codes("status", params.get("status"), set(statuses.values()) | _OTHER_CODES[name])
        rows = rows.filter(status__in=[k for k, v in statuses.items() if v in codes])
    return scope, rows


_OTHER_CODES = {"ServiceRequest": {"on-hold", "entered-in-error", "unknown"},
                "Task": {"ready", "on-hold", "entered-in-error"}}


@register
class ServiceRequestType(ResourceType):
    name = "ServiceRequest"
    creatable = True
    field_elements = {"reason": "ServiceRequest.reasonCode", "external_sender": "ServiceRequest.requester",
                      "urgency": "ServiceRequest.priority", "occurred_at": "ServiceRequest.authoredOn",
                      "client": "ServiceRequest.subject"}
    search_params = {"_id": "token", "patient": "reference", "status": "token", "authored": "date"}

    def read(self, *, viewer: User, ident: str) -> dict[str, Any]:
        return service_request(_read(self.name, viewer, ident))

    def search(self, *, viewer: User, params: Params) -> SearchResult:
        scope, rows = _search(viewer, params, object_type="fhir_service_request_search", name=self.name,
                              statuses=SERVICE_REQUEST_STATUS)
        if params.all("authored"):
            rows = rows.filter(date_filter("authored", params.all("authored"), "created_at"))
        return SearchResult(rows=rows, to_fhir=service_request, client_of=scope.client_of(lambda r: r.client_id))

    def create(self, *, viewer: User, resource: dict[str, Any]) -> dict[str, Any]:
        return service_request(_rows().get(pk=record_referral(viewer=viewer, resource=resource).pk))


def record_referral(*, viewer: User, resource: dict[str, Any]) -> Referral:
    """A posted ServiceRequest is a referral to the client's care team from outside Polku (incoming)."""
    if resource.get("intent") not in ("order", "original-order", "proposal", "plan"):
        raise FhirError(422, "invalid", _("An incoming referral has the intent order (or proposal, plan)."),
                        expression=["ServiceRequest.intent"])
    client = client_for_write(resource=resource, element="subject")
    sender = str((resource.get("requester") or {}).get("display") or "").strip()
    if not sender:
        raise FhirError(422, "required", _("Name the sender of the referral in ServiceRequest.requester.display."),
                        expression=["ServiceRequest.requester.display"])
    reasons = [str(reason.get("text") or "") for reason in resource.get("reasonCode") or []]
    reasons += [str(note.get("text") or "") for note in resource.get("note") or []]
    reason = "\n".join(text for text in reasons if text.strip())
    received_at = aware_datetime(resource, "authoredOn")
    return record_incoming_referral(actor=viewer, client=client, external_sender=sender, reason=reason,
                                    urgency=URGENCY.get(resource.get("priority") or "routine",
                                                        ReferralUrgency.ROUTINE),
                                    received_at=received_at)


@register
class TaskType(ResourceType):
    """One Task per referral (same id as its ServiceRequest): where the referral is in the state machine."""

    name = "Task"
    search_params = {"_id": "token", "patient": "reference", "focus": "reference", "based-on": "reference",
                     "status": "token", "business-status": "token"}

    def read(self, *, viewer: User, ident: str) -> dict[str, Any]:
        return task(_read(self.name, viewer, ident))

    def search(self, *, viewer: User, params: Params) -> SearchResult:
        scope, rows = _search(viewer, params, object_type="fhir_task_search", name=self.name, statuses=TASK_STATUS)
        for name in ("focus", "based-on"):
            for value in params.all(name):
                rows = rows.filter(pk=int_id(name, reference_id(name, value, "ServiceRequest")))
        for value in params.all("business-status"):
            rows = rows.filter(status__in=token_codes("business-status", value, ReferralStatus.values))
        return SearchResult(rows=rows, to_fhir=task, client_of=scope.client_of(lambda r: r.client_id))
