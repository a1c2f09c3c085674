"""Search parameters (strict: anything unsupported is a 400 naming it), date and reference values, paged Bundles."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from urllib.parse import urlencode

from django.db.models import Q, QuerySet
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _

from polku.api.fhir.outcome import FhirError

DEFAULT_COUNT = 20
MAX_COUNT = 100
# Deeper than any result set Polku holds, and far inside the databases' 64-bit integers (a larger offset
# reached the database and came back as a server error).
MAX_OFFSET = 1_000_000
# Parameters every search accepts; `lang` is consumed by the language middleware (the diagnostics' language).
COMMON = ("_count", "_offset", "_format", "lang")
_DATE = re.compile(r"^(eq|ne|gt|lt|ge|le|sa|eb|ap)?(\d{4})(-\d{2})?(-\d{2})?(T.*)?$")


@dataclass(frozen=True)
class Params:
    """The request's search parameters, checked against the resource type's supported names."""

    values: dict[str, list[str]]
    count: int
    offset: int

    def get(self, name: str) -> str | None:
        found = self.values.get(name)
        return found[-1] if found else None

    def all(self, name: str) -> list[str]:
        return self.values.get(name, [])


def _int(query: QueryDict, name: str, default: int, *, low: int, high: int | None = None) -> int:
    raw = query.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        value = -1
    if value < low or (high is not None and value > high):
        limit = f"{low}–{high}" if high is not None else f"≥ {low}"
        raise FhirError(400, "invalid", _("The parameter %(name)s must be a whole number %(limit)s.")
                        % {"name": name, "limit": limit}, expression=[name])
    return value


def parse_params(query: QueryDict, *, supported: Iterable[str]) -> Params:
    """The search parameters; 400 listing every unsupported one (strict handling), or a bad _count/_offset."""
    allowed = set(supported) | set(COMMON)
    unknown = sorted({name for name in query if name not in allowed})
    if unknown:
        raise FhirError(400, "not-supported", _("Unsupported search parameter(s): %(names)s. Supported: %(allowed)s.")
                        % {"names": ", ".join(unknown), "allowed": ", ".join(sorted(set(supported) | {"_count"}))},
                        expression=unknown)
    values = {name: [v for v in query.getlist(name) if v != ""] for name in query if name not in COMMON}
    return Params(values={k: v for k, v in values.items() if v},
                  count=_int(query, "_count", DEFAULT_COUNT, low=0, high=MAX_COUNT),
                  offset=_int(query, "_offset", 0, low=0, high=MAX_OFFSET))


def bad_value(name: str, value: str) -> FhirError:
    return FhirError(400, "invalid", _("The value “%(value)s” of the search parameter %(name)s is not valid.")
                     % {"value": value, "name": name}, expression=[name])


def reference_id(name: str, value: str, resource_type: str) -> str:
    """The id of `Type/id` or a bare id; 400 when it names another type."""
    if "/" in value:
        kind, _sep, ident = value.rpartition("/")
        if kind.rsplit("/", 1)[-1] != resource_type or not ident:
            raise bad_value(name, value)
        value = ident
    return value


def int_id(name: str, value: str, prefix: str = "") -> int:
    """A numeric Polku id inside a FHIR id (e.g. "meeting-12" with prefix "meeting-"); 400 otherwise."""
    raw = value[len(prefix):] if prefix and value.startswith(prefix) else value
    if not raw.isdigit() or len(raw) > 18:
        raise bad_value(name, value)
    return int(raw)


def _interval(name: str, value: str) -> tuple[str, datetime, datetime]:
    match = _DATE.match(value)
    if not match:
        raise bad_value(name, value)
    prefix, year, month, day, rest = match.groups()
    prefix = prefix or "eq"
    if prefix not in ("eq", "gt", "lt", "ge", "le"):
        raise FhirError(400, "not-supported", _("The prefix %(prefix)s of %(name)s is not supported; use eq, gt, "
                                                "lt, ge or le.") % {"prefix": prefix, "name": name},
                        expression=[name])
    try:
        if rest:
            moment = datetime.fromisoformat(value[len(prefix) if match.group(1) else 0:].replace("Z", "+00:00"))
            if timezone.is_naive(moment):
                moment = timezone.make_aware(moment)
            return prefix, moment, moment + timedelta(seconds=1)
        start_day = date(int(year), int(month[1:]) if month else 1, int(day[1:]) if day else 1)
    except ValueError:
        raise bad_value(name, value) from None
    if day:
        end_day = start_day + timedelta(days=1)
    elif month:
        end_day = (start_day.replace(day=28) + timedelta(days=4)).replace(day=1)
    else:
        end_day = start_day.replace(year=start_day.year + 1)
    start = timezone.make_aware(datetime.combine(start_day, time.min))
    return prefix, start, timezone.make_aware(datetime.combine(end_day, time.min))


def date_filter(name: str, values: Sequence[str], field: str) -> Q:
    """FHIR date search (eq, gt, lt, ge, le at the value's precision) over a datetime field; repeats are AND-ed."""
    condition = Q()
    for value in values:
        prefix, start, end = _interval(name, value)
        condition &= {"eq": Q(**{f"{field}__gte": start, f"{field}__lt": end}),
                      "ge": Q(**{f"{field}__gte": start}), "gt": Q(**{f"{field}__gte": end}),
                      "le": Q(**{f"{field}__lt": end}), "lt": Q(**{f"{field}__lt": start})}[prefix]
    return condition


def token_codes(name: str, value: str, allowed: Iterable[str]) -> list[str]:
    """Comma-separated codes (OR), each one of `allowed`; 400 naming the parameter otherwise."""
    codes = [code.rpartition("|")[2] for code in value.split(",")]
    allowed = set(allowed)
    bad = [code for code in codes if code not in allowed]
    if bad:
        raise FhirError(400, "invalid", _("Unknown code(s) %(codes)s for %(name)s; allowed: %(allowed)s.")
                        % {"codes": ", ".join(bad), "name": name, "allowed": ", ".join(sorted(allowed))},
                        expression=[name])
    return codes


@dataclass(frozen=True)
class Page:
    """One page of a search: the rows shown and the total that matched."""

    rows: list[Any]
    total: int


def paginate(rows: QuerySet | list, params: Params) -> Page:
    total = rows.count() if isinstance(rows, QuerySet) else len(rows)
    return Page(rows=list(rows[params.offset:params.offset + params.count]) if params.count else [], total=total)


def searchset(*, base: str, resource_type: str, query: QueryDict, params: Params, page: Page,
              to_fhir: Callable[[Any], dict[str, Any]]) -> dict[str, Any]:
    """A searchset Bundle of the page with self, next and previous links that keep every other parameter."""

    def link(relation: str, offset: int) -> dict[str, str]:
        kept = [(k, v) for k in query for v in query.getlist(k) if k not in ("_offset", "_count")]
        kept += [("_count", str(params.count)), ("_offset", str(offset))]
        return {"relation": relation, "url": f"{base}{resource_type}?{urlencode(kept)}"}

    links = [link("self", params.offset)]
    if params.count and params.offset + params.count < page.total:
        links.append(link("next", params.offset + params.count))
    if params.offset > 0:
        links.append(link("previous", max(0, params.offset - params.count)))
    entries = []
    for row in page.rows:
        resource = to_fhir(row)
        entries.append({"fullUrl": f"{base}{resource['resourceType']}/{resource['id']}", "resource": resource,
                        "search": {"mode": "match"}})
    bundle: dict[str, Any] = {"resourceType": "Bundle", "type": "searchset", "total": page.total, "link": links}
    if entries:
        bundle["entry"] = entries
    return bundle
