"""Interpreter bookings of the caller's clients: list, detail, request, change and cancel (interpreting services)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal
from uuid import UUID

from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema, Status

from polku.api.auth import ApiAuth
from polku.api.common import (
    IsoDate,
    IsoDateTime,
    PageParams,
    StrictIn,
    error_responses,
    idempotent,
    json_response,
    not_modified,
    page_body,
    paginate,
    require_current,
    version_etag,
)
from polku.casework.selectors.clients import client_reference
from polku.core import access
from polku.core.errors import DomainError
from polku.core.models import Organisation
from polku.interpreting import selectors
from polku.interpreting.models import Booking, BookingStatus
from polku.interpreting.services import bookings as services

router = Router(tags=["bookings"])
READ = ApiAuth({"bookings:read"})
WRITE = ApiAuth({"bookings:write"})
GET_ERRORS = error_responses(400, 401, 403, 404, 422, 429)
KIND = "booking"


class BookingOut(Schema):
    id: int
    uid: str
    client_id: int
    meeting_id: int | None
    centre_id: int
    language: str
    dialect: str
    mode: str
    starts_at: datetime
    ends_at: datetime
    meeting_minutes: int
    double_time: bool
    mental_health: bool
    address: str
    remote_details: str
    contact_person: str
    contact_phone: str
    gender_wish: str
    interpreter_id: int | None
    status: str
    cancel_reason: str
    created_at: datetime
    updated_at: datetime
    version: int


class BookingPage(Schema):
    count: int
    page: int
    per_page: int
    items: list[BookingOut]


def _out(booking: Booking) -> dict:
    data = {name: getattr(booking, name) for name in BookingOut.model_fields if hasattr(booking, name)}
    data.update(uid=str(booking.uid), client_id=booking.client_id, meeting_id=booking.meeting_id,
                centre_id=booking.centre_id, interpreter_id=booking.interpreter_id)
    return BookingOut(**data).model_dump(mode="json")


def _with_etag(booking: Booking, status: int) -> HttpResponse:
    response = json_response(_out(booking), status)
    response["ETag"] = version_etag(KIND, booking.pk, booking.version)
    return response


class BookingFilter(Schema):
    client_id: int | None = Field(None, ge=1, le=2**53)


@router.get("", response={200: BookingPage, **GET_ERRORS}, auth=READ, summary="Open bookings of my clients")
def list_bookings(request: HttpRequest, filters: Query[BookingFilter], paging: Query[PageParams]):
    """Upcoming and open bookings of the caller's clients, by time (scope `bookings:read`); logged as a list read."""
    rows = selectors.list_worker_bookings(viewer=request.auth.user)
    if filters.client_id is not None:
        rows = [b for b in rows if b.client_id == filters.client_id]
    page, total = paginate(rows, paging)
    return page_body([_out(b) for b in page], total, paging)


class DispatchBookingOut(Schema):
    """What an interpreter centre sees: logistics, and the client's name only when the client agreed."""

    id: int
    uid: UUID
    client_label: str
    organisation_id: int
    language: str
    dialect: str
    mode: str
    starts_at: datetime
    ends_at: datetime
    meeting_minutes: int
    double_time: bool
    mental_health: bool
    address: str
    remote_details: str
    contact_person: str
    contact_phone: str
    gender_wish: str
    interpreter_id: int | None
    status: str
    version: int


class DispatchPage(Schema):
    count: int
    page: int
    per_page: int
    items: list[DispatchBookingOut]


class DispatchFilter(Schema):
    status: BookingStatus | None = None
    day: IsoDate | None = None


def _dispatch_out(row) -> dict:
    booking = row.booking
    return {**{name: getattr(booking, name) for name in DispatchBookingOut.model_fields
               if name not in ("client_label",)}, "client_label": row.client_label}


@router.get("/dispatch", response={200: DispatchPage, **GET_ERRORS}, auth=READ,
            summary="The interpreter centre's booking queue")
def dispatch_queue(request: HttpRequest, filters: Query[DispatchFilter], paging: Query[PageParams]):
    """Bookings sent to the caller's interpreter centre, open ones by time (scope `bookings:read`, dispatchers only);
    logged as an administrative list read."""
    rows = selectors.list_dispatch_queue(viewer=request.auth.user, status=filters.status or "", day=filters.day)
    page, total = paginate(rows, paging)
    return page_body([_dispatch_out(r) for r in page], total, paging)


@router.get("/dispatch/{id:booking_id}", response={200: DispatchBookingOut, **GET_ERRORS}, auth=READ,
            summary="One booking of the centre")
def dispatch_booking(request: HttpRequest, response: HttpResponse, booking_id: int):
    """One booking of the caller's centre (scope `bookings:read`); the read is logged, and — the centre being
    another organisation than the client's — written to the disclosure log."""
    user = request.auth.user
    row = selectors.get_booking_for_dispatcher(viewer=user, booking_id=booking_id)
    booking = row.booking
    if booking.organisation_id != user.organisation_id:
        access.record_disclosure(
            actor=user, client_id=booking.client_id, recipient=str(user.organisation or ""),
            purpose="interpreter booking", channel="api", legal_basis="interpreter booking requested by the care team",
            content=f"booking {booking.pk}: logistics{', client name' if booking.share_client_name else ''}")
    response["ETag"] = version_etag(KIND, booking.pk, booking.version)
    return _dispatch_out(row)


@router.get("/{id:booking_id}", response={200: BookingOut, 304: None, **GET_ERRORS}, auth=READ,
            summary="One booking")
def booking_detail(request: HttpRequest, response: HttpResponse, booking_id: int):
    """One booking of a client in the caller's care team (scope `bookings:read`). The ETag is its version."""
    booking = selectors.get_booking_for_worker(viewer=request.auth.user, booking_id=booking_id)
    etag = version_etag(KIND, booking.pk, booking.version)
    response["ETag"] = etag
    if not_modified(request, etag):
        return Status(304, None)
    return _out(booking)


class BookingIn(StrictIn):
    client_id: int = Field(..., ge=1, le=2**53)
    centre_id: int = Field(..., ge=1, le=2**53, description="The interpreter centre (an organisation).")
    starts_at: IsoDateTime
    ends_at: IsoDateTime
    language: str = Field(..., min_length=1, max_length=8)
    dialect: str = Field("", max_length=100)
    mode: Literal["on_site", "phone", "video"]
    address: str = Field("", max_length=300)
    remote_details: str = Field("", max_length=300)
    contact_person: str = Field("", max_length=200)
    contact_phone: str = Field("", max_length=32)
    mental_health: bool = False
    double_time: bool | None = None
    gender_wish: Literal["any", "female", "male"] | None = None
    share_client_name: bool = False


@router.post("", response={201: BookingOut, **error_responses()}, auth=WRITE, summary="Request an interpreter")
def create_booking(request: HttpRequest, payload: BookingIn):
    """Request an interpreter for a client's meeting (scope `bookings:write`). Accepts `Idempotency-Key`."""
    user = request.auth.user

    def create() -> HttpResponse:
        client = client_reference(client_id=payload.client_id)
        client = type(client).objects.select_related("organisation", "municipality__area").get(pk=client.pk)
        centre = Organisation.objects.filter(pk=payload.centre_id).first()
        if centre is None:
            raise DomainError("not_a_centre", "Choose an interpreter centre.", field="centre_id")
        booking = services.request_booking(
            actor=user, client=client, centre=centre, starts_at=payload.starts_at, ends_at=payload.ends_at,
            language=payload.language, dialect=payload.dialect, mode=payload.mode, address=payload.address,
            remote_details=payload.remote_details, contact_person=payload.contact_person,
            contact_phone=payload.contact_phone, mental_health=payload.mental_health,
            double_time=payload.double_time, gender_wish=payload.gender_wish,
            share_client_name=payload.share_client_name)
        response = _with_etag(booking, 201)
        response["Location"] = f"/api/v1/bookings/{booking.pk}"
        return response

    return idempotent(request, user=user, payload=payload.model_dump(mode="json"), create=create)


def _booking_for_update(request: HttpRequest, booking_id: int) -> Booking:
    booking = selectors.get_booking_for_worker(viewer=request.auth.user, booking_id=booking_id)
    # The interpreting services lock the row but take no expected version; the check here narrows the window
    # to the moment between this read and their lock.
    require_current(request, kind=KIND, pk=booking.pk, version=booking.version)
    return booking


class BookingChangeIn(StrictIn):
    starts_at: IsoDateTime
    ends_at: IsoDateTime
    address: str = Field("", max_length=300)
    remote_details: str = Field("", max_length=300)
    contact_person: str = Field("", max_length=200)
    contact_phone: str = Field("", max_length=32)


@router.put("/{id:booking_id}", response={200: BookingOut, **error_responses()}, auth=WRITE,
            summary="Change the time or place")
def change_booking(request: HttpRequest, booking_id: int, payload: BookingChangeIn):
    """Change the time or place (scope `bookings:write`); needs `If-Match` (428 without, 412 when stale)."""
    booking = _booking_for_update(request, booking_id)
    booking = services.change_booking(actor=request.auth.user, booking=booking, **payload.model_dump())
    return _with_etag(booking, 200)


class CancelIn(StrictIn):
    reason: str = Field(..., min_length=1, max_length=300)


@router.post("/{id:booking_id}/cancel", response={200: BookingOut, **error_responses()}, auth=WRITE,
             summary="Cancel a booking")
def cancel_booking(request: HttpRequest, booking_id: int, payload: CancelIn):
    """Cancel (late when within the centre's notice period) (scope `bookings:write`); needs `If-Match`."""
    booking = _booking_for_update(request, booking_id)
    booking = services.cancel_booking(actor=request.auth.user, booking=booking, reason=payload.reason)
    return _with_etag(booking, 200)
