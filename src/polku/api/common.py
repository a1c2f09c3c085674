"""Shared parts of the v1 endpoints: strict input schemas, page/per_page paging, ETags and idempotency keys."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Sequence
from datetime import date, timedelta
from typing import Annotated, Any

from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Schema
from pydantic import AwareDatetime, BeforeValidator, ConfigDict

from polku.api.models import IdempotencyRecord
from polku.api.problems import ApiProblem

MAX_PER_PAGE = 100
MAX_ID = 2**53  # what a JSON number holds exactly; ids beyond are 404 before any query


class IdConverter:
    """Path ids: positive, at most 16 digits, so that no database sees an integer it cannot hold."""

    regex = "[1-9][0-9]{0,15}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value) -> str:
        return str(value)


def _text_only(value):
    """Dates and times come as ISO 8601 text: pydantic would otherwise read 0 as 1970-01-01 (a unix time)."""
    if not isinstance(value, (str, date)):
        raise ValueError("expected ISO 8601 text")
    return value


EARLIEST, LATEST = date(2000, 1, 1), date(2100, 12, 31)  # outside this, a date is a typing error
IsoDate = Annotated[date, BeforeValidator(_text_only), Field(ge=EARLIEST, le=LATEST)]
IsoDateTime = Annotated[AwareDatetime, BeforeValidator(_text_only)]


class StrictIn(Schema):
    """Input schemas refuse unknown fields (422) instead of silently ignoring a typo."""

    model_config = ConfigDict(extra="forbid")


class PageParams(Schema):
    page: int = Field(1, ge=1, le=100_000, description="Page number, from 1.")
    per_page: int = Field(25, ge=1, le=MAX_PER_PAGE, description=f"Items per page, at most {MAX_PER_PAGE}.")


class Problem(Schema):
    """RFC 9457 problem details."""

    type: str
    title: str
    status: int
    detail: str
    instance: str
    code: str
    errors: list[dict[str, str]] = Field(default_factory=list)


ERROR_STATUSES = (400, 401, 403, 404, 409, 412, 413, 415, 422, 428, 429)


def error_responses(*statuses: int) -> dict:
    """The documented problem responses of an operation (all of ERROR_STATUSES when none are named)."""
    return {status: Problem for status in (statuses or ERROR_STATUSES)}


def paginate(items, params: PageParams) -> tuple[list, int]:
    """One page of a queryset or list, and the total count. A page past the end is empty, not an error."""
    start = (params.page - 1) * params.per_page
    total = items.count() if hasattr(items, "count") and not isinstance(items, list) else len(items)
    return list(items[start:start + params.per_page]), total


def page_body(rows: Sequence, total: int, params: PageParams) -> dict[str, Any]:
    return {"count": total, "page": params.page, "per_page": params.per_page, "items": rows}


# --- ETags ---------------------------------------------------------------------------------------

_ETAG = re.compile(r'^(?:W/)?"([^"]*)"$')


def version_etag(kind: str, pk: int, version: int) -> str:
    """A strong ETag from the row's optimistic-locking version (the services check that same number)."""
    return f'"{kind}-{pk}-v{version}"'


def content_etag(data: Any) -> str:
    digest = hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()[:32]
    return f'"{digest}"'


def set_etag(request: HttpRequest, response: HttpResponse, etag: str) -> None:
    response["ETag"] = etag


def not_modified(request: HttpRequest, etag: str) -> bool:
    candidates = [c.strip() for c in request.headers.get("If-None-Match", "").split(",") if c.strip()]
    return etag in candidates or "*" in candidates


def expected_version(request: HttpRequest, *, kind: str, pk: int) -> int:
    """The version the caller last saw, from `If-Match`: 428 when missing, 412 when it names another resource."""
    header = request.headers.get("If-Match", "").strip()
    if not header:
        raise ApiProblem(428, "if_match_required",
                         _("Send the resource's ETag in the If-Match header, so that no change is lost."))
    match = _ETAG.match(header)
    prefix = f"{kind}-{pk}-v"
    if not match or not match.group(1).startswith(prefix) or not match.group(1)[len(prefix):].isdigit():
        raise ApiProblem(412, "etag_mismatch", _("The If-Match ETag does not match this resource."))
    return int(match.group(1)[len(prefix):])


def require_current(request: HttpRequest, *, kind: str, pk: int, version: int) -> None:
    if expected_version(request, kind=kind, pk=pk) != version:
        raise ApiProblem(412, "etag_mismatch", _("Someone changed this resource after you read it; read it again."))


# --- idempotency keys ----------------------------------------------------------------------------

IDEMPOTENCY_HEADER = "Idempotency-Key"
IDEMPOTENCY_TTL = timedelta(hours=24)


def _request_hash(request: HttpRequest, payload: Any) -> str:
    canonical = json.dumps(payload, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(f"{request.method} {request.path}\n{canonical}".encode()).hexdigest()


def json_response(data: Any, status: int) -> HttpResponse:
    return HttpResponse(json.dumps(data, default=str, ensure_ascii=False), status=status,
                        content_type="application/json; charset=utf-8")


def idempotent(request: HttpRequest, *, user, payload: Any, create: Callable[[], HttpResponse]) -> HttpResponse:
    """Run `create` once per (user, Idempotency-Key): the same key and body replay the stored answer, the same key
    with another body is 422. Without the header the request simply runs.

    A placeholder row is written first (its own transaction), so that a concurrent retry with the same key gets
    409 instead of creating twice; the create itself runs outside any outer transaction so that the access
    core's refusal rows survive.
    """
    key = request.headers.get(IDEMPOTENCY_HEADER, "")
    if not key:
        return create()
    if len(key) > 200 or not key.isprintable():
        raise ApiProblem(400, "invalid_idempotency_key", _("The Idempotency-Key is at most 200 printable characters."))
    digest = _request_hash(request, payload)
    # Keys are kept for a day (long enough for any client's retries), then forgotten.
    IdempotencyRecord.objects.filter(user=user, created_at__lt=timezone.now() - IDEMPOTENCY_TTL).delete()
    try:
        with transaction.atomic():
            record = IdempotencyRecord.objects.create(user=user, key=key, method=request.method, path=request.path,
                                                      request_hash=digest, status_code=0, response_body=b"",
                                                      content_type="")
    except IntegrityError:
        existing = IdempotencyRecord.objects.get(user=user, key=key)
        if existing.request_hash != digest:
            raise ApiProblem(422, "idempotency_key_reused",
                             _("This Idempotency-Key was already used with a different request."),
                             errors=[{"field": IDEMPOTENCY_HEADER, "message": _("Use a new key for a new request.")}]
                             ) from None
        if existing.status_code == 0:
            raise ApiProblem(409, "idempotency_in_progress",
                             _("A request with this Idempotency-Key is still being processed.")) from None
        response = HttpResponse(bytes(existing.response_body), status=existing.status_code,
                                content_type=existing.content_type)
        response["Idempotent-Replayed"] = "true"
        return response
    try:
        response = create()
    except BaseException:
        record.delete()  # nothing was created: the caller may retry with the same key
        raise
    if 200 <= response.status_code < 300:
        IdempotencyRecord.objects.filter(pk=record.pk).update(
            status_code=response.status_code, response_body=response.content,
            content_type=response.get("Content-Type", "application/json"))
    else:
        record.delete()
    return response
