"""The expert network's consultations and the training calendar, read only, through the apps' own selectors."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from uuid import UUID

from ninja import Field, Query, Router, Schema

from polku.api.auth import ApiAuth
from polku.api.common import PageParams, error_responses, page_body, paginate
from polku.network.selectors import get_consultation, visible_consultations
from polku.trainings.selectors import list_events

router = Router(tags=["network"])
GET_ERRORS = error_responses(400, 401, 403, 404, 422, 429)


class ConsultationOut(Schema):
    id: int
    title: str
    topics: list[str]
    urgency: str
    status: str
    level: str
    collaboration_area: str | None = Field(None, alias="collaboration_area.code")
    languages: list[str]
    concerns_client: bool
    created_at: datetime
    due_at: datetime
    first_answered_at: datetime | None
    closed_at: datetime | None


class ConsultationPage(Schema):
    count: int
    page: int
    per_page: int
    items: list[ConsultationOut]


class ConsultationFilter(Schema):
    status: str | None = Field(None, max_length=10)


@router.get("/consultations", response={200: ConsultationPage, **GET_ERRORS},
            auth=ApiAuth({"consultations:read"}), summary="Consultations I may see")
def list_consultations(request, filters: Query[ConsultationFilter], paging: Query[PageParams]):
    """Consultations the caller asked, was routed, or coordinates, newest first (scope `consultations:read`).

    The case description is left out of the list: it is read one at a time in the UI.
    """
    rows = visible_consultations(viewer=request.auth.user).select_related("collaboration_area")
    if filters.status:
        rows = rows.filter(status=filters.status)
    page, total = paginate(rows.order_by("-created_at", "-id"), paging)
    return page_body(page, total, paging)


@router.get("/consultations/{id:consultation_id}", response={200: ConsultationOut, **GET_ERRORS},
            auth=ApiAuth({"consultations:read"}), summary="One consultation")
def consultation_detail(request, consultation_id: int):
    """One consultation the caller may see (scope `consultations:read`); 404 otherwise."""
    return get_consultation(viewer=request.auth.user, consultation_id=consultation_id)


class TrainingEventOut(Schema):
    id: int
    uid: UUID
    kind: str
    format: str
    title_fi: str
    title_sv: str
    title_en: str
    area: str | None = Field(None, alias="area.code")
    organiser_name: str
    starts_at: datetime
    ends_at: datetime
    hours: Decimal
    place: str
    capacity: int
    enrolled: int
    status: str


class TrainingEventPage(Schema):
    count: int
    page: int
    per_page: int
    items: list[TrainingEventOut]


class TrainingFilter(Schema):
    area: str = Field("", max_length=16, description='A collaboration-area code, or "national".')
    kind: str = Field("", max_length=20)
    upcoming: bool = True


@router.get("/trainings", response={200: TrainingEventPage, **GET_ERRORS}, auth=ApiAuth({"trainings:read"}),
            summary="Training events")
def list_trainings(request, filters: Query[TrainingFilter], paging: Query[PageParams]):
    """Published and cancelled training events, soonest first (scope `trainings:read`)."""
    rows = list_events(viewer=request.auth.user, area=filters.area, kind=filters.kind, upcoming=filters.upcoming)
    page, total = paginate(rows, paging)
    return page_body(page, total, paging)
