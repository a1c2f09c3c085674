"""Referrals: the care team's list, detail, create and state transitions; the receiving service's inbox.

Reads go through the referrals selectors (access core, logged); steps through `take_referral_step`, which
checks the side and the state machine. `If-Match` carries the referral's version (optimistic locking).
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema, Status

from polku.api.auth import ApiAuth
from polku.api.common import (
    IsoDateTime,
    PageParams,
    StrictIn,
    error_responses,
    expected_version,
    idempotent,
    json_response,
    not_modified,
    page_body,
    paginate,
    version_etag,
)
from polku.casework.selectors.clients import client_reference
from polku.core import access
from polku.referrals import selectors
from polku.referrals.models import DisclosureItem, Referral, ReferralService, ReferralStatus, ReferralStep
from polku.referrals.services import referrals as services
from polku.referrals.services.referrals import ConsentIn

router = Router(tags=["referrals"])
READ = ApiAuth({"referrals:read"})
WRITE = ApiAuth({"referrals:write"})
GET_ERRORS = error_responses(400, 401, 403, 404, 422, 429)
KIND = "referral"


class ReferralOut(Schema):
    id: int
    client_id: int
    direction: str
    status: str
    urgency: str
    reason: str
    target_service_id: int | None
    target_service_name: str | None
    sending_organisation_id: int | None
    external_sender: str
    created_at: datetime
    sent_at: datetime | None
    received_at: datetime | None
    decided_at: datetime | None
    appointment_at: datetime | None
    appointment_held_at: datetime | None
    closed_at: datetime | None
    consent_items: list[str] | None
    available_steps: list[str]
    version: int


class ReferralPage(Schema):
    count: int
    page: int
    per_page: int
    items: list[ReferralOut]


def _out(referral: Referral) -> dict:
    consent = getattr(referral, "consent", None) if hasattr(referral, "consent") else None
    service = referral.target_service
    return ReferralOut(
        id=referral.pk, client_id=referral.client_id, direction=referral.direction, status=referral.status,
        urgency=referral.urgency, reason=referral.reason, target_service_id=referral.target_service_id,
        target_service_name=service.name_fi if service else None,
        sending_organisation_id=referral.sending_organisation_id, external_sender=referral.external_sender,
        created_at=referral.created_at, sent_at=referral.sent_at, received_at=referral.received_at,
        decided_at=referral.decided_at, appointment_at=referral.appointment_at,
        appointment_held_at=referral.appointment_held_at, closed_at=referral.closed_at,
        consent_items=list(consent.items) if consent else None,
        available_steps=selectors.sender_steps(referral=referral), version=referral.version,
    ).model_dump(mode="json")


class ReferralFilter(Schema):
    client_id: int | None = Field(None, ge=1, le=2**53)
    status: ReferralStatus | None = None


@router.get("", response={200: ReferralPage, **GET_ERRORS}, auth=READ, summary="Referrals of my clients")
def list_referrals(request: HttpRequest, filters: Query[ReferralFilter], paging: Query[PageParams]):
    """Referrals of the clients in the caller's care teams, newest first (scope `referrals:read`); logged."""
    rows, total = paginate(selectors_list(request.auth.user, filters), paging)
    if rows:
        access.log_list_read(actor=request.auth.user, client_ids=sorted({r.client_id for r in rows}),
                             object_type="referral_list")
    return page_body([_out(r) for r in rows], total, paging)


def selectors_list(viewer, filters: ReferralFilter):
    from polku.casework.selectors import visible_clients

    referrals = (Referral.objects.filter(client__in=visible_clients(viewer=viewer))
                 .select_related("target_service", "consent").order_by("-created_at", "-id"))
    if filters.client_id is not None:
        referrals = referrals.filter(client_id=filters.client_id)
    if filters.status is not None:
        referrals = referrals.filter(status=filters.status)
    return referrals


@router.get("/{id:referral_id}", response={200: ReferralOut, 304: None, **GET_ERRORS}, auth=READ,
            summary="One referral")
def referral_detail(request: HttpRequest, response: HttpResponse, referral_id: int):
    """One referral of a client in the caller's care team (scope `referrals:read`). The ETag is its version."""
    referral = selectors.get_referral(viewer=request.auth.user, referral_id=referral_id)
    etag = version_etag(KIND, referral.pk, referral.version)
    response["ETag"] = etag
    if not_modified(request, etag):
        return Status(304, None)
    return _out(referral)


class ConsentBody(StrictIn):
    items: list[DisclosureItem] = Field(..., min_length=1, max_length=5)
    given_at: IsoDateTime
    language: str = Field(..., min_length=1, max_length=8)
    recipient: str = Field("", max_length=300)


class ReferralIn(StrictIn):
    client_id: int = Field(..., ge=1, le=2**53)
    target_service_id: int = Field(..., ge=1, le=2**53)
    reason: str = Field(..., min_length=1, max_length=2000)
    urgency: Literal["routine", "soon", "urgent"] = "routine"
    consent: ConsentBody | None = None
    send: bool = False


def _consent(body: ConsentBody | None) -> ConsentIn | None:
    if body is None:
        return None
    return ConsentIn(items=frozenset(i.value for i in body.items), given_at=body.given_at,
                     language=body.language, recipient=body.recipient)


def _created(referral: Referral) -> HttpResponse:
    response = json_response(_out(Referral.objects.select_related("target_service", "consent")
                                  .get(pk=referral.pk)), 201)
    response["ETag"] = version_etag(KIND, referral.pk, referral.version)
    response["Location"] = f"/api/v1/referrals/{referral.pk}"
    return response


@router.post("", response={201: ReferralOut, **error_responses()}, auth=WRITE, summary="Create a referral")
def create_referral(request: HttpRequest, payload: ReferralIn):
    """Draft (or with `send` and a consent, send) a referral (scope `referrals:write`). Accepts `Idempotency-Key`."""
    user = request.auth.user

    def create() -> HttpResponse:
        client = client_reference(client_id=payload.client_id)
        service = ReferralService.objects.filter(pk=payload.target_service_id).first()
        referral = services.create_referral(actor=user, client=client, target_service=service,
                                            reason=payload.reason, urgency=payload.urgency,
                                            consent=_consent(payload.consent), send=payload.send)
        return _created(referral)

    return idempotent(request, user=user, payload=payload.model_dump(mode="json"), create=create)


# Every step a person can take; expiry (and drafting) happen by themselves.
MANUAL_STEPS = tuple(s for s in ReferralStep.values if s not in ("drafted", ReferralStep.EXPIRED))


class TransitionIn(StrictIn):
    step: Literal[MANUAL_STEPS]  # type: ignore[valid-type]
    reason: str = Field("", max_length=1000)
    note: str = Field("", max_length=1000)
    appointment_at: IsoDateTime | None = None
    occurred_at: IsoDateTime | None = None


@router.post("/{id:referral_id}/transitions", response={200: ReferralOut, **error_responses()}, auth=WRITE,
             summary="Take a step (state transition)")
def take_step(request: HttpRequest, referral_id: int, payload: TransitionIn):
    """Send, withdraw, receive, accept, reject, book, record held/missed, close … (scope `referrals:write`).

    Needs `If-Match` with the ETag from the last read: 428 without it, 412 when someone changed the referral since.
    """
    user = request.auth.user
    referral = Referral.objects.select_related("target_service", "client").filter(pk=referral_id).first()
    if referral is None:
        return _not_found()
    version = expected_version(request, kind=KIND, pk=referral.pk)
    referral = services.take_referral_step(actor=user, referral=referral, step=payload.step,
                                           expected_version=version, reason=payload.reason, note=payload.note,
                                           appointment_at=payload.appointment_at, occurred_at=payload.occurred_at)
    response = json_response(_out(Referral.objects.select_related("target_service", "consent").get(pk=referral.pk)),
                             200)
    response["ETag"] = version_etag(KIND, referral.pk, referral.version)
    return response


def _not_found():
    from polku.core.errors import AccessDenied

    raise AccessDenied("referral_not_found", "No such referral.")


class ReferralServiceOut(Schema):
    id: int
    name_fi: str
    name_sv: str
    name_en: str
    service_type: str
    organisation_id: int | None
    uses_polku: bool


@router.get("/services", response={200: list[ReferralServiceOut], **GET_ERRORS}, auth=READ,
            summary="Services the caller may refer to")
def referral_services(request: HttpRequest):
    """Active referral targets (scope `referrals:read`)."""
    return list(selectors.list_referral_services(viewer=request.auth.user))


class InboxItemOut(Schema):
    referral_id: int
    status: str
    urgency: str
    service: str
    sent_at: datetime | None
    appointment_at: datetime | None
    client_name: str


@router.get("/inbox", response={200: list[InboxItemOut], **GET_ERRORS}, auth=READ,
            summary="Referrals sent to my organisation's services")
def inbox(request: HttpRequest, include_ended: bool = False):
    """The receiving service's inbox: identity only, logged with the referral_recipient basis (`referrals:read`)."""
    return selectors.list_inbox(viewer=request.auth.user, include_ended=include_ended)


class DisclosedReferralOut(Schema):
    referral_id: int
    version: int
    status: str
    service: str
    sending_organisation: str
    sent_at: datetime | None
    appointment_at: datetime | None
    items: list[str]
    consent_given_at: datetime
    identity: dict
    contact: dict | None
    reason: str | None
    interpreter: dict | None
    steps: list[str]


@router.get("/inbox/{id:referral_id}", response={200: DisclosedReferralOut, **GET_ERRORS}, auth=READ,
            summary="One referral in the inbox (disclosed fields only)")
def inbox_referral(request: HttpRequest, response: HttpResponse, referral_id: int):
    """Exactly the fields the client's consent discloses; logged in the access log and the disclosure log."""
    user = request.auth.user
    disclosed = selectors.get_inbox_referral(viewer=user, referral_id=referral_id)
    referral = Referral.objects.only("client_id").get(pk=referral_id)
    # Data of another organisation's client leaves through the API: the disclosure log names it.
    access.record_disclosure(actor=user, client_id=referral.client_id, recipient=str(user.organisation or ""),
                             purpose="referral", content=f"referral {referral_id}: {', '.join(disclosed.items)}",
                             channel="api", legal_basis="client's consent recorded with the referral")
    response["ETag"] = version_etag(KIND, referral_id, disclosed.version)
    return {**{f: getattr(disclosed, f) for f in DisclosedReferralOut.model_fields},
            "identity": {k: str(v) if v is not None else None for k, v in disclosed.identity.items()}}
