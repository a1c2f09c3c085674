"""From database rows to the assignment problem of `matching` (requests and candidates as plain data)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime, timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone

from polku.interpreting.matching import ON_SITE, Candidate, Request
from polku.interpreting.models import (
    OCCUPYING_STATUSES,
    Booking,
    BookingStatus,
    BookingStatusChange,
    Interpreter,
)


def to_minutes(moment: datetime) -> int:
    """Minutes since the Unix epoch: the solver's time axis."""
    return int(moment.timestamp() // 60)


def from_minutes(minutes: int) -> datetime:
    return datetime.fromtimestamp(minutes * 60, tz=timezone.get_current_timezone())


def _subtract(windows: list[tuple[int, int]], cuts: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    for cut_start, cut_end in cuts:
        pieces = []
        for start, end in windows:
            if cut_end <= start or end <= cut_start:
                pieces.append((start, end))
                continue
            if start < cut_start:
                pieces.append((start, cut_start))
            if cut_end < end:
                pieces.append((cut_end, end))
        windows = pieces
    return sorted(windows)


def interpreters_for(*, centre_id: int | None) -> QuerySet[Interpreter]:
    """Active interpreters a centre's dispatcher may book: the centre's own and the freelancers."""
    # build_candidates reads each interpreter's home area and, without an own rate, the centre's terms: joined
    # here, or every request for a booking paid one query per interpreter.
    return (Interpreter.objects.filter(active=True)
            .filter(Q(centre_id=centre_id) | Q(centre__isnull=True))
            .select_related("home_area", "centre__interpreting_terms")
            .prefetch_related("languages", "areas", "availability", "absences"))


def build_candidates(interpreters: Iterable[Interpreter], *, first_day: date, last_day: date,
                     exclude_booking_ids: Iterable[int] = ()) -> list[Candidate]:
    """Candidates with free windows for the days and the time their occupying bookings already block."""
    interpreters = list(interpreters)
    tz = timezone.get_current_timezone()
    horizon_start = timezone.make_aware(datetime.combine(first_day - timedelta(days=1), datetime.min.time()), tz)
    horizon_end = timezone.make_aware(datetime.combine(last_day + timedelta(days=2), datetime.min.time()), tz)
    busy: dict[int, list[tuple[int, int]]] = defaultdict(list)
    rows = (Booking.objects.filter(interpreter__in=interpreters, status__in=OCCUPYING_STATUSES,
                                   blocked_until__gt=horizon_start, blocked_from__lt=horizon_end)
            .exclude(pk__in=list(exclude_booking_ids)).values_list("interpreter_id", "blocked_from", "blocked_until"))
    for interpreter_id, blocked_from, blocked_until in rows:
        busy[interpreter_id].append((to_minutes(blocked_from), to_minutes(blocked_until)))
    candidates = []
    for interpreter in interpreters:
        windows = []
        day = first_day
        while day <= last_day:
            for slot in interpreter.availability.all():
                if slot.weekday == day.weekday():
                    start = timezone.make_aware(datetime.combine(day, slot.start_time), tz)
                    end = timezone.make_aware(datetime.combine(day, slot.end_time), tz)
                    windows.append((to_minutes(start), to_minutes(end)))
            day += timedelta(days=1)
        absences = [(to_minutes(a.starts_at), to_minutes(a.ends_at)) for a in interpreter.absences.all()]
        languages = {(row.language, row.dialect.casefold()): row.qualification for row in interpreter.languages.all()}
        candidates.append(Candidate(
            id=interpreter.pk, gender=interpreter.gender, languages=languages, modes=frozenset(interpreter.modes()),
            areas=frozenset(area.code for area in interpreter.areas.all()),
            home_area=interpreter.home_area.code if interpreter.home_area_id else None,
            windows=tuple(_subtract(sorted(windows), absences)), busy=tuple(sorted(busy[interpreter.pk])),
            buffer=interpreter.travel_buffer_minutes,
            rate_per_hour=float(interpreter.hourly_rate if interpreter.hourly_rate is not None else _centre_rate(
                interpreter)),
            mental_health_trained=interpreter.mental_health_trained))
    return candidates


def _centre_rate(interpreter: Interpreter) -> float:
    terms = getattr(interpreter.centre, "interpreting_terms", None) if interpreter.centre_id else None
    return float(terms.hourly_rate) if terms else 60.0


def previous_interpreters(client_ids: Iterable[int], *, before: datetime) -> dict[int, int]:
    """client id -> the interpreter of the client's latest held (or confirmed) booking before the time."""
    rows = (Booking.objects.filter(client_id__in=list(client_ids), interpreter__isnull=False, starts_at__lt=before,
                                   status__in=[BookingStatus.HELD, BookingStatus.CONFIRMED])
            .order_by("client_id", "-starts_at").values_list("client_id", "interpreter_id"))
    found: dict[int, int] = {}
    for client_id, interpreter_id in rows:
        found.setdefault(client_id, interpreter_id)
    return found


def declined_by(booking_ids: Iterable[int]) -> dict[int, set[int]]:
    """booking id -> interpreters who declined it (they are not asked again)."""
    found: dict[int, set[int]] = defaultdict(set)
    for booking_id, interpreter_id in BookingStatusChange.objects.filter(
            booking_id__in=list(booking_ids), to_status=BookingStatus.DECLINED,
            interpreter__isnull=False).values_list("booking_id", "interpreter_id"):
        found[booking_id].add(interpreter_id)
    return found


def build_requests(bookings: Iterable[Booking]) -> list[Request]:
    """Requests for the solver; the client's previous interpreter is looked up as of each request's start."""
    bookings = list(bookings)
    if not bookings:
        return []
    earliest = min(b.starts_at for b in bookings)
    previous = previous_interpreters({b.client_id for b in bookings}, before=earliest)
    declined = declined_by(b.pk for b in bookings)
    refused: dict[int, set[int]] = defaultdict(set)
    through = Booking.refused_interpreters.through
    for booking_id, interpreter_id in through.objects.filter(
            booking_id__in=[b.pk for b in bookings]).values_list("booking_id", "interpreter_id"):
        refused[booking_id].add(interpreter_id)
    return [request_for(b, previous=previous.get(b.client_id), refused=refused[b.pk], declined=declined[b.pk])
            for b in bookings]


def request_for(booking: Booking, *, previous: int | None, refused: Iterable[int],
                declined: Iterable[int] = ()) -> Request:
    """One booking as a solver request."""
    return Request(
        id=booking.pk or 0, client_id=booking.client_id, language=booking.language,
        dialect=booking.dialect.casefold(), start=to_minutes(booking.starts_at), end=to_minutes(booking.ends_at),
        mode=booking.mode, area=booking.area.code if booking.area_id and booking.mode == ON_SITE else None,
        gender=booking.gender_wish if booking.gender_wish in ("female", "male") else None,
        named=booking.preferred_interpreter_id, previous=previous, refused=frozenset(refused),
        declined=frozenset(declined), mental_health=booking.mental_health)
