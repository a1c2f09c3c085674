"""The rows of a research extract, read from the database before any pseudonymisation.

Only called by `generate_extract`, after the data controller's approval: that approval, written to the
disclosure log, is the basis of this read (no care relationship exists or is needed for pseudonymised research
data decided by the controller).
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import date, datetime, time, timedelta

import polars as pl
from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone

from polku.casework.models import Client, ClientLegalStatus, ClientStatus, Meeting, MeetingOutcome, PathEvent
from polku.paths import columns as pc

# The fields a researcher may ask for, in output order. No names, identity codes, addresses, phone numbers,
# e-mail, free text or exact dates are ever among them.
ALLOWED_FIELDS: tuple[str, ...] = ("birth_year", "gender", "origin", "municipality", "legal_status", "language",
                                   "arrival_year", "interpreter_needed", "client_status", "meetings_held",
                                   "path_events")
# Fields that, combined, could single a person out: always generalised to k-anonymity when chosen.
QUASI_IDENTIFIER_FIELDS: frozenset[str] = frozenset({"birth_year", "gender", "origin", "municipality",
                                                     "legal_status", "language", "arrival_year"})
DEFAULT_FIELDS: tuple[str, ...] = ("birth_year", "gender", "origin", "municipality", "legal_status")

PSEUDONYM = "pseudonym"
CLIENT_ID = "client_id"


def pseudonym(key_hex: str, client_id: int) -> str:
    """Keyed pseudonym (HMAC-SHA-256): stable within one extract, unlinkable to another extract's pseudonyms."""
    return hmac.new(bytes.fromhex(key_hex), str(client_id).encode(), hashlib.sha256).hexdigest()[:20]


def _bounds(period_start: date, period_end: date) -> tuple[datetime, datetime]:
    start = timezone.make_aware(datetime.combine(period_start, time.min))
    end = timezone.make_aware(datetime.combine(period_end + timedelta(days=1), time.min))
    return start, end


def population(*, organisation_id: int, period_start: date, period_end: date):
    """Clients of the organisation with a service-path event, or registered, within the period."""
    start, end = _bounds(period_start, period_end)
    event = PathEvent.objects.filter(client=OuterRef("pk"), at__gte=start, at__lt=end)
    return (Client.objects.filter(organisation_id=organisation_id)
            .exclude(status=ClientStatus.MERGED)
            .filter(Q(Exists(event)) | Q(created_at__gte=start, created_at__lt=end)))


def client_frame(*, organisation_id: int, period_start: date, period_end: date) -> pl.DataFrame:
    """One row per client of the population, every allowed field at its most detailed level, plus client_id."""
    start, end = _bounds(period_start, period_end)
    clients = list(population(organisation_id=organisation_id, period_start=period_start, period_end=period_end)
                   .select_related("municipality__area__collaboration_area")
                   .only("pk", "birth_year", "gender", "country_of_origin", "preferred_language", "arrival_year",
                         "interpreter_needed", "status", "municipality__code", "municipality__area__code",
                         "municipality__area__collaboration_area__code")
                   .order_by("pk"))
    ids = [client.pk for client in clients]
    statuses: dict[int, str] = {}
    # The status valid at the period's end; rows come newest first, so the first seen wins.
    for client_id, status in (ClientLegalStatus.objects.filter(client_id__in=ids, valid_from__lte=period_end)
                              .order_by("client_id", "-valid_from", "-recorded_at")
                              .values_list("client_id", "status")):
        statuses.setdefault(client_id, status)
    meetings = dict(Meeting.objects.filter(client_id__in=ids, outcome=MeetingOutcome.HELD, starts_at__gte=start,
                                           starts_at__lt=end)
                    .values("client_id").annotate(n=Count("id")).values_list("client_id", "n"))
    events = dict(PathEvent.objects.filter(client_id__in=ids, at__gte=start, at__lt=end)
                  .values("client_id").annotate(n=Count("id")).values_list("client_id", "n"))

    def place(client: Client) -> str | None:
        municipality = client.municipality
        if municipality is None:
            return None
        area = municipality.area
        collaboration = area.collaboration_area.code if area.collaboration_area_id else "aland"
        return f"{municipality.code}|{area.code}|{collaboration}"

    return pl.DataFrame({
        CLIENT_ID: ids,
        "birth_year": [client.birth_year for client in clients],
        "gender": [client.gender for client in clients],
        "origin": [client.country_of_origin or None for client in clients],
        "municipality": [place(client) for client in clients],
        "legal_status": [statuses.get(client.pk) for client in clients],
        "language": [client.preferred_language or None for client in clients],
        "arrival_year": [client.arrival_year for client in clients],
        "interpreter_needed": [client.interpreter_needed for client in clients],
        "client_status": [client.status for client in clients],
        "meetings_held": [meetings.get(client.pk, 0) for client in clients],
        "path_events": [events.get(client.pk, 0) for client in clients],
    }, schema={CLIENT_ID: pl.Int64, "birth_year": pl.Int32, "gender": pl.String, "origin": pl.String,
               "municipality": pl.String, "legal_status": pl.String, "language": pl.String,
               "arrival_year": pl.Int32, "interpreter_needed": pl.Boolean, "client_status": pl.String,
               "meetings_held": pl.Int64, "path_events": pl.Int64})


def event_frame(*, client_ids: list[int], period_start: date, period_end: date) -> pl.DataFrame:
    """Path events of the clients in the period: case (client id, replaced by the caller), activity, day, role.

    Times are cut to the day: exact times of meetings are easy to link to what an outsider saw. The service
    name and free attributes are left out (they may carry free text).
    """
    start, end = _bounds(period_start, period_end)
    rows = list(PathEvent.objects.filter(client_id__in=client_ids, at__gte=start, at__lt=end)
                .order_by("client_id", "at", "id").values_list("client_id", "activity", "at", "actor_role"))
    return pl.DataFrame(
        {CLIENT_ID: [row[0] for row in rows], pc.ACTIVITY: [row[1] for row in rows],
         pc.TIMESTAMP: [datetime.combine(timezone.localtime(row[2]).date(), time.min) for row in rows],
         "org:role": [row[3] or None for row in rows]},
        schema={CLIENT_ID: pl.Int64, pc.ACTIVITY: pl.String, pc.TIMESTAMP: pl.Datetime("us", "UTC"),
                "org:role": pl.String})
