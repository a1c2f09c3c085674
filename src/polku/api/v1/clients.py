"""Clients of the caller's care teams and what the care team records about them; every read goes to the access log."""

from __future__ import annotations

from datetime import date, datetime

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status

from polku.api.auth import ApiAuth
from polku.api.common import PageParams, content_etag, error_responses, not_modified, page_body, paginate
from polku.casework.selectors import get_client
from polku.casework.selectors.clients import client_reference, list_my_clients
from polku.casework.selectors.meetings import list_meetings
from polku.casework.selectors.notes import list_note_threads
from polku.casework.selectors.screening import list_screenings
from polku.referrals.selectors import get_path_timeline

router = Router(tags=["clients"])
READ = ApiAuth({"clients:read"})
GET_ERRORS = error_responses(400, 401, 403, 404, 422, 429)


class ClientOut(Schema):
    id: int
    organisation_id: int
    given_names: str
    family_name: str
    given_names_latin: str
    family_name_latin: str
    birth_date: date | None
    birth_year: int | None
    gender: str
    identity_code: str | None
    preferred_language: str
    interpreter_needed: bool
    interpreter_language: str
    interpreter_dialect: str
    country_of_origin: str
    arrival_year: int | None
    municipality_code: str | None = Field(None, alias="municipality.code")
    status: str
    created_at: datetime
    updated_at: datetime


class ClientListItem(Schema):
    id: int
    given_names_latin: str
    family_name_latin: str
    birth_year: int | None
    preferred_language: str
    interpreter_needed: bool
    interpreter_language: str
    status: str
    last_meeting_at: datetime | None
    next_meeting_at: datetime | None
    has_positive_screen: bool
    has_overdue_notes: bool


class ClientPage(Schema):
    count: int
    page: int
    per_page: int
    items: list[ClientListItem]


class ClientFilter(Schema):
    search: str = Field("", max_length=100, description="Name (any part), or a whole identity code.")
    needs_interpreter: bool | None = None
    positive_screen: bool = False


@router.get("", response={200: ClientPage, **GET_ERRORS}, auth=READ, summary="List my clients")
def list_clients(request: HttpRequest, filters: Query[ClientFilter], paging: Query[PageParams]):
    """Clients with whom the caller has an active care relationship (scope `clients:read`); logged as a list read."""
    result = list_my_clients(viewer=request.auth.user, today=timezone.localdate(), search=filters.search,
                             needs_interpreter=filters.needs_interpreter, positive_screen=filters.positive_screen,
                             page=paging.page, per_page=paging.per_page)
    rows = list(result.object_list) if result.number == paging.page else []
    return page_body(rows, result.paginator.count, paging)


@router.get("/{id:client_id}", response={200: ClientOut, 304: None, **GET_ERRORS}, auth=READ,
            summary="One client")
def client_detail(request: HttpRequest, response: HttpResponse, client_id: int):
    """The client record (scope `clients:read`); 404 without a care relationship. Has an ETag."""
    client = get_client(viewer=request.auth.user, client_id=client_id)
    data = ClientOut.from_orm(client).model_dump(mode="json")
    etag = content_etag(data)
    response["ETag"] = etag
    if not_modified(request, etag):
        return Status(304, None)
    return data


class CareTeamMemberOut(Schema):
    worker_id: int
    worker_name: str
    role: str
    started_at: datetime
    ended_at: datetime | None


@router.get("/{id:client_id}/care-team", response={200: list[CareTeamMemberOut], **GET_ERRORS}, auth=READ,
            summary="The client's care team, with history")
def care_team(request: HttpRequest, client_id: int):
    """Current and earlier care-team members (scope `clients:read`)."""
    client = get_client(viewer=request.auth.user, client_id=client_id, object_type="care_team")
    return [{"worker_id": m.worker_id, "worker_name": str(m.worker), "role": m.role, "started_at": m.started_at,
             "ended_at": m.ended_at}
            for m in client.care_memberships.select_related("worker").order_by("started_at", "id")]


class MeetingOut(Schema):
    id: int
    starts_at: datetime
    planned_minutes: int
    actual_minutes: int | None
    place: str
    outcome: str
    interpreter_used: bool
    interpreter_language: str
    is_first_meeting: bool
    version: int


class MeetingPage(Schema):
    count: int
    page: int
    per_page: int
    items: list[MeetingOut]


@router.get("/{id:client_id}/meetings", response={200: MeetingPage, **GET_ERRORS}, auth=READ,
            summary="The client's meetings")
def meetings(request: HttpRequest, client_id: int, paging: Query[PageParams]):
    """Meetings, newest first (scope `clients:read`)."""
    client = get_client(viewer=request.auth.user, client_id=client_id, object_type="meeting")
    rows, total = paginate(list_meetings(viewer=request.auth.user, client=client), paging)
    return page_body(rows, total, paging)


class NoteOut(Schema):
    id: int
    meeting_id: int | None
    author_id: int
    reason_for_contact: str
    topics: list[str]
    agreed_actions: str
    next_step: str
    text: str
    status: str
    signed_at: datetime | None
    created_at: datetime
    corrects_id: int | None
    earlier_version_ids: list[int]


class NotePage(Schema):
    count: int
    page: int
    per_page: int
    items: list[NoteOut]


def _note(thread) -> dict:
    note = thread.current
    return {"id": note.pk, "meeting_id": note.meeting_id, "author_id": note.author_id,
            "reason_for_contact": note.reason_for_contact, "topics": [str(t) for t in note.topics or []],
            "agreed_actions": note.agreed_actions, "next_step": note.next_step, "text": note.text,
            "status": note.status, "signed_at": note.signed_at, "created_at": note.created_at,
            "corrects_id": note.corrects_id, "earlier_version_ids": [n.pk for n in thread.earlier]}


@router.get("/{id:client_id}/notes", response={200: NotePage, **GET_ERRORS}, auth=READ,
            summary="The client's notes (read only)")
def notes(request: HttpRequest, client_id: int, paging: Query[PageParams]):
    """Current version of every note, newest first, with the ids of the versions it corrects (scope `clients:read`)."""
    client = get_client(viewer=request.auth.user, client_id=client_id, object_type="note")
    threads = list_note_threads(viewer=request.auth.user, client=client)
    rows, total = paginate(threads, paging)
    return page_body([_note(t) for t in rows], total, paging)


class ScreeningOut(Schema):
    id: int
    instrument: str
    instrument_version: str
    client_language: str
    total: int
    band: str
    positive: bool
    safety_flag: bool
    subscales: dict
    answers: dict
    administered_at: datetime
    meeting_id: int | None


@router.get("/{id:client_id}/screenings", response={200: list[ScreeningOut], **GET_ERRORS}, auth=READ,
            summary="The client's screening results")
def screenings(request: HttpRequest, client_id: int):
    """All screening results, newest first (scope `clients:read`)."""
    # client_reference reads only keys; list_screenings checks and logs the access itself.
    client = client_reference(client_id=client_id)
    return list_screenings(viewer=request.auth.user, client=client)


class PathEventOut(Schema):
    id: int
    activity: str
    label: str
    at: datetime
    actor_role: str
    organisation_id: int | None
    service: str
    object_type: str
    object_id: str
    wait_seconds: int | None
    is_break: bool


@router.get("/{id:client_id}/path-events", response={200: list[PathEventOut], **GET_ERRORS},
            auth=ApiAuth({"paths:read"}), summary="The client's service-path events")
def path_events(request: HttpRequest, client_id: int):
    """The client's path in time order, with the wait since the previous event (scope `paths:read`)."""
    client = get_client(viewer=request.auth.user, client_id=client_id, object_type="path")
    timeline = get_path_timeline(viewer=request.auth.user, client=client)
    return [{"id": e.event.pk, "activity": e.event.activity, "label": str(e.label), "at": e.event.at,
             "actor_role": e.event.actor_role, "organisation_id": e.event.organisation_id,
             "service": e.event.service, "object_type": e.event.object_type, "object_id": e.event.object_id,
             "wait_seconds": int(e.wait.total_seconds()) if e.wait is not None else None, "is_break": e.is_break}
            for e in timeline.entries]
