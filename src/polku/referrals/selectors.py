"""Reads about referrals. The care team reads through the access core; the receiving service through its inbox,
seeing only what the client's consent discloses; aggregates leave the care team only with small numbers hidden.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import CharField, F, Q, QuerySet
from django.db.models.functions import Cast
from django.utils.translation import gettext_lazy as _

from polku.casework.models import CareTeamMembership, Client, ClientLegalStatus, PathEvent, ScreeningResponse
from polku.casework.selectors import visible_clients
from polku.casework.selectors.screening import band_label
from polku.core import access
from polku.core.errors import AccessDenied
from polku.core.models import AccessAction, User
from polku.referrals import machine
from polku.referrals.access import OBJECT_TYPE, is_recipient, log_inbox_read, require_recipient_access
from polku.referrals.events import ReferralEventKind, activity_label
from polku.referrals.models import (
    DisclosureItem,
    PathBreak,
    Referral,
    ReferralConsent,
    ReferralDirection,
    ReferralService,
    ReferralStatus,
)
from polku.referrals.process_map import MapEvents, MapFilters
from polku.referrals.rules import start_of_day

# Aggregates shown outside the care team hide groups smaller than this (ARCHITECTURE: small numbers).
SMALL_NUMBER = 5


# --- the care team's side -------------------------------------------------------------------------


def list_client_referrals(*, viewer: User, client: Client) -> QuerySet[Referral]:
    """The client's referrals, newest first, with service and consent (client already access-checked)."""
    return (Referral.objects.filter(client=client)
            .select_related("target_service__organisation", "sending_organisation", "sent_by", "consent")
            .order_by("-created_at", "-id"))


def get_referral(*, viewer: User, referral_id: int, action: AccessAction = AccessAction.READ) -> Referral:
    """One referral for the client's care team, through the access core (logged either way)."""
    client_id = Referral.objects.filter(pk=referral_id).values_list("client_id", flat=True).first()
    if client_id is None:
        raise AccessDenied("referral_not_found", _("No such referral."))
    access.require_client_access(actor=viewer, client_id=client_id, action=action, object_type=OBJECT_TYPE,
                                 object_id=referral_id)
    return (Referral.objects.select_related("client", "target_service__organisation", "sending_organisation",
                                            "sent_by", "consent__recorded_by")
            .prefetch_related("transitions__actor").get(pk=referral_id))


def list_referral_services(*, viewer: User) -> QuerySet[ReferralService]:
    """Active services the viewer may refer to: the viewer's own team is no referral target."""
    return (ReferralService.objects.filter(active=True)
            .exclude(is_internal_team=True, organisation_id=viewer.organisation_id)
            .select_related("organisation").order_by("service_type", "name_fi", "pk"))


def sender_steps(*, referral: Referral) -> list[str]:
    """The steps the care team may take on this referral now (the buttons it is shown)."""
    return machine.steps_for_side(referral.status, side=machine.SENDER, handled_in_polku=referral.handled_in_polku)


def list_my_breaks(*, viewer: User) -> list[PathBreak]:
    """Open breaks on the paths of the viewer's clients, longest overdue first; logs the clients shown."""
    if not viewer.has_perm("core.work_with_clients"):
        raise AccessDenied("client_work_not_permitted", _("Your role does not include client work."))
    mine = CareTeamMembership.objects.filter(worker=viewer, ended_at__isnull=True).values("client_id")
    rows = list(PathBreak.objects.filter(resolved_at__isnull=True, client_id__in=mine)
                .select_related("client", "referral__target_service", "rule")
                .order_by("-days_overdue", "since", "pk"))
    if rows:
        access.log_list_read(actor=viewer, client_ids=sorted({row.client_id for row in rows}),
                             object_type="path_breaks")
    return rows


# --- the receiving service's inbox ----------------------------------------------------------------


@dataclass(frozen=True)
class InboxRow:
    """One referral in the inbox list: identity is always disclosed, nothing else about the client is read."""

    referral_id: int
    status: str
    status_label: str
    urgency: str
    urgency_label: str
    service: str
    sent_at: datetime | None
    appointment_at: datetime | None
    client_name: str


def _inbox_queryset(viewer: User) -> QuerySet[Referral]:
    return (Referral.objects.filter(direction=ReferralDirection.OUTGOING, target_service__uses_polku=True,
                                    target_service__organisation_id=viewer.organisation_id)
            .exclude(status=ReferralStatus.DRAFT))


def list_inbox(*, viewer: User, include_ended: bool = False) -> list[InboxRow]:
    """Referrals sent to the services of the viewer's organisation; logged with the referral_recipient basis."""
    if not viewer.has_perm("core.work_with_clients") or viewer.organisation_id is None:
        raise AccessDenied("inbox_not_permitted", _("Your role does not include receiving referrals."))
    referrals = _inbox_queryset(viewer)
    if not include_ended:
        referrals = referrals.exclude(status__in=machine.TERMINAL)
    rows = list(referrals.select_related("target_service")
                # Only the identity fields, which every consent discloses; the client record is never loaded.
                .annotate(given=F("client__given_names_latin"), family=F("client__family_name_latin"))
                .order_by("sent_at", "pk"))
    log_inbox_read(actor=viewer, client_ids=sorted({row.client_id for row in rows}))
    return [InboxRow(referral_id=row.pk, status=row.status, status_label=str(row.get_status_display()),
                     urgency=row.urgency, urgency_label=str(row.get_urgency_display()),
                     service=row.target_service.name, sent_at=row.sent_at, appointment_at=row.appointment_at,
                     client_name=f"{row.given} {row.family}") for row in rows]


def get_referral_for_recipient(*, viewer: User, referral_id: int,
                               action: AccessAction = AccessAction.READ) -> Referral:
    """The referral row for the receiving service (logged as referral_recipient, or denied); no client data."""
    referral = (Referral.objects.select_related("target_service__organisation", "sending_organisation", "sent_by")
                .filter(pk=referral_id).first())
    if referral is None:
        raise AccessDenied("referral_not_found", _("No such referral."))
    require_recipient_access(actor=viewer, referral=referral, action=action)
    return referral


@dataclass(frozen=True)
class ScreeningSummary:
    instrument: str
    total: int
    band: str
    positive: bool
    administered_on: date


@dataclass(frozen=True)
class DisclosedReferral:
    """What the receiving service sees: the referral and the client's fields the consent lists, nothing else."""

    referral_id: int
    version: int
    status: str
    status_label: str
    urgency_label: str
    service: str
    sending_organisation: str
    sent_by: str
    sent_at: datetime | None
    appointment_at: datetime | None
    items: list[str]
    item_labels: list[str]
    consent_given_at: datetime
    identity: dict
    contact: dict | None
    reason: str | None
    screenings: list[ScreeningSummary] | None
    interpreter: dict | None
    history: list[tuple[datetime, str, str]]
    steps: list[str]


# The client's fields per checklist item: loaded with .only(), so that nothing else is read by construction.
FIELDS_OF_ITEM = {
    DisclosureItem.IDENTITY: ("given_names_latin", "family_name_latin", "given_names", "family_name", "birth_date",
                              "birth_year", "identity_code"),
    DisclosureItem.CONTACT_DETAILS: ("phone", "email"),
    DisclosureItem.INTERPRETER_NEEDS: ("interpreter_needed", "interpreter_language", "interpreter_dialect",
                                       "interpreter_gender_preference"),
}


def _latest_screenings(client_id: int) -> list[ScreeningSummary]:
    latest: dict[str, ScreeningResponse] = {}
    for row in (ScreeningResponse.objects.filter(client_id=client_id).order_by("-administered_at", "-pk")
                .only("instrument", "total", "band", "positive", "administered_at")):
        latest.setdefault(row.instrument, row)
    return [ScreeningSummary(instrument=row.instrument, total=row.total, band=band_label(row.band),
                             positive=row.positive, administered_on=row.administered_at.date())
            for row in sorted(latest.values(), key=lambda r: r.instrument)]


def get_inbox_referral(*, viewer: User, referral_id: int) -> DisclosedReferral:
    """One referral in the inbox, with exactly the fields its consent discloses; the read is logged."""
    referral = get_referral_for_recipient(viewer=viewer, referral_id=referral_id)
    consent = ReferralConsent.objects.get(referral=referral)
    items = consent.items
    fields = [name for item in items for name in FIELDS_OF_ITEM.get(item, ())]
    client = Client.objects.only("id", *fields).get(pk=referral.client_id)

    def pick(item: str) -> dict | None:
        return {name: getattr(client, name) for name in FIELDS_OF_ITEM[item]} if item in items else None

    # Steps, times and sides only: the care team's notes may hold more than the consent discloses.
    history = [(row.at, str(row.get_step_display()), str(machine.SIDE_LABELS.get(row.side, row.side)))
               for row in referral.transitions.order_by("at", "pk")]
    return DisclosedReferral(
        referral_id=referral.pk, version=referral.version, status=referral.status,
        status_label=str(referral.get_status_display()), urgency_label=str(referral.get_urgency_display()),
        service=referral.target_service.name, sending_organisation=str(referral.sending_organisation or ""),
        sent_by=(referral.sent_by.get_full_name() or referral.sent_by.get_username()) if referral.sent_by else "",
        sent_at=referral.sent_at, appointment_at=referral.appointment_at, items=items,
        item_labels=[str(DisclosureItem(item).label) for item in items], consent_given_at=consent.given_at,
        identity=pick(DisclosureItem.IDENTITY) or {}, contact=pick(DisclosureItem.CONTACT_DETAILS),
        reason=referral.reason if DisclosureItem.REASON in items else None,
        screenings=_latest_screenings(client.pk) if DisclosureItem.SCREENING_RESULTS in items else None,
        interpreter=pick(DisclosureItem.INTERPRETER_NEEDS), history=history,
        steps=machine.steps_for_side(referral.status, side=machine.RECIPIENT, handled_in_polku=True))


def viewer_is_recipient(*, viewer: User, referral: Referral) -> bool:
    """True when the viewer acts on this referral for the receiving service (decides where a step returns to)."""
    return is_recipient(user=viewer, referral=referral)


# --- wait times -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ServiceWaitTime:
    """Sent → first appointment held, in days. Figures are None when the group is too small to show."""

    service_id: int
    service: str
    service_type: str
    count: int | None
    median_days: float | None
    p90_days: float | None

    @property
    def suppressed(self) -> bool:
        return self.count is None


def _p90(values: list[float]) -> float:
    if len(values) == 1:
        return values[0]
    # Linear interpolation between order statistics (the "inclusive" method, like numpy's default).
    return statistics.quantiles(values, n=10, method="inclusive")[-1]


def list_wait_times(*, viewer: User, own_clients_only: bool = False) -> list[ServiceWaitTime]:
    """Per service: median, 90th percentile and count of days from sending to the first held appointment.

    Over the viewer's own clients the figures stay in the care team and are shown as they are; over all
    referrals they leave it, so a service with fewer than five referrals shows nothing.
    """
    if own_clients_only:
        if not viewer.has_perm("core.work_with_clients"):
            raise AccessDenied("client_work_not_permitted", _("Your role does not include client work."))
    elif not (viewer.has_perm("core.work_with_clients") or viewer.has_perm("core.view_aggregate_reports")):
        raise AccessDenied("reports_not_permitted", _("Your role does not include reports."))
    referrals = Referral.objects.filter(direction=ReferralDirection.OUTGOING, sent_at__isnull=False,
                                        appointment_held_at__isnull=False)
    if own_clients_only:
        referrals = referrals.filter(client_id__in=CareTeamMembership.objects.filter(
            worker=viewer, ended_at__isnull=True).values("client_id"))
    waits: dict[int, list[float]] = defaultdict(list)
    for service_id, sent_at, held_at in referrals.values_list("target_service_id", "sent_at", "appointment_held_at"):
        waits[service_id].append((held_at - sent_at) / timedelta(days=1))
    services = ReferralService.objects.in_bulk(list(waits))
    result = []
    for service_id, values in waits.items():
        service = services[service_id]
        shown = own_clients_only or len(values) >= SMALL_NUMBER
        result.append(ServiceWaitTime(
            service_id=service_id, service=service.name, service_type=str(service.get_service_type_display()),
            count=len(values) if shown else None, median_days=statistics.median(values) if shown else None,
            p90_days=_p90(sorted(values)) if shown else None))
    return sorted(result, key=lambda row: (row.service_type, row.service))


# --- the client's path ----------------------------------------------------------------------------


@dataclass(frozen=True)
class TimelineEntry:
    event: PathEvent
    label: str
    wait: timedelta | None  # since the previous event on the client's path
    is_break: bool

    @property
    def wait_days(self) -> int:
        return self.wait.days if self.wait else 0

    @property
    def wait_hours(self) -> int:
        return self.wait.seconds // 3600 if self.wait else 0


@dataclass(frozen=True)
class PathTimeline:
    entries: list[TimelineEntry]
    open_breaks: list[PathBreak]


def get_path_timeline(*, viewer: User, client: Client) -> PathTimeline:
    """The client's path events in time order with the wait between them; breaks marked (client already checked)."""
    events = list(PathEvent.objects.filter(client=client).select_related("organisation").order_by("at", "id"))
    entries, previous = [], None
    for event in events:
        entries.append(TimelineEntry(event=event, label=activity_label(event.activity),
                                     wait=event.at - previous.at if previous else None,
                                     is_break=event.activity == ReferralEventKind.PATH_BROKEN))
        previous = event
    breaks = list(PathBreak.objects.filter(client=client, resolved_at__isnull=True)
                  .select_related("referral__target_service").order_by("since", "pk"))
    return PathTimeline(entries=entries, open_breaks=breaks)


# --- the process map ------------------------------------------------------------------------------


def _filtered_clients(clients: QuerySet[Client], filters: MapFilters, today: date) -> QuerySet[Client]:
    if filters.team_id is not None:
        # In the care of the team's workers at some time in the period (any time, without a period).
        memberships = CareTeamMembership.objects.filter(team_id=filters.team_id)
        if filters.start:
            memberships = memberships.filter(Q(ended_at__isnull=True) | Q(ended_at__gte=start_of_day(filters.start)))
        if filters.end:
            memberships = memberships.filter(started_at__lt=start_of_day(filters.end + timedelta(days=1)))
        clients = clients.filter(pk__in=memberships.values("client_id"))
    if filters.area_id is not None:
        # The client's home municipality decides; the organisation's home area stands in when it is not known.
        clients = clients.filter(Q(municipality__area_id=filters.area_id)
                                 | Q(municipality__isnull=True, organisation__home_area_id=filters.area_id))
    if filters.country:
        clients = clients.filter(country_of_origin__iexact=filters.country)
    if filters.language:
        clients = clients.filter(preferred_language__iexact=filters.language)
    if filters.legal_status:
        current = (ClientLegalStatus.objects.filter(status=filters.legal_status, valid_from__lte=today)
                   .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=today)))
        clients = clients.filter(pk__in=current.values("client_id"))
    return clients


def process_map_reach(*, viewer: User) -> tuple[QuerySet[Client], bool, str]:
    """The clients whose paths the viewer's role lets the map show, whether small numbers are hidden, and the
    scope's name: the organisation's (team lead) or all clients (report roles) hidden, own clients in full.
    Raises AccessDenied for a role with neither reports nor client work."""
    if viewer.has_perm("core.view_aggregate_reports"):
        scope = "organisation" if viewer.has_perm("core.assign_clients") else "all"
        clients = Client.objects.all()
        if scope == "organisation":
            clients = clients.filter(organisation_id=viewer.organisation_id)
        return clients, True, scope
    if viewer.has_perm("core.work_with_clients"):
        return visible_clients(viewer=viewer), False, "own"
    raise AccessDenied("reports_not_permitted", _("Your role does not include reports."))


def list_process_map_events(*, viewer: User, filters: MapFilters, today: date) -> MapEvents:
    """Path events for the process map: aggregate viewers get their organisation's (team lead) or all clients'
    events, to be shown with small numbers hidden; a worker gets their own clients', each client logged once.
    """
    clients, suppressed, scope = process_map_reach(viewer=viewer)
    events = PathEvent.objects.filter(client_id__in=_filtered_clients(clients, filters, today).values("pk"))
    if filters.service_id is not None:
        # A service's map is the path through that service: the steps of referrals to it (their events
        # carry the referral as their object), breaks included.
        referral_ids = (Referral.objects.filter(target_service_id=filters.service_id)
                        .annotate(text_id=Cast("pk", output_field=CharField())).values("text_id"))
        events = events.filter(object_type=Referral._meta.model_name, object_id__in=referral_ids)
    if filters.start:
        events = events.filter(at__gte=start_of_day(filters.start))
    if filters.end:
        events = events.filter(at__lt=start_of_day(filters.end + timedelta(days=1)))
    rows = list(events.order_by("client_id", "at", "id").values_list("client_id", "activity", "at"))
    if not suppressed and rows:
        # One row per client shown, not per event: the map reads every event of these clients at once.
        access.log_list_read(actor=viewer, client_ids=sorted({row[0] for row in rows}), object_type="process_map")
    return MapEvents(scope=scope, suppressed=suppressed, rows=rows)
