"""Reads about clients for the worker's list, the team lead's list and the client page; all logged."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.core.paginator import Page
from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from polku.casework import quality
from polku.casework.models import (
    CareTeamMembership,
    Client,
    ClientLanguage,
    ClientLegalStatus,
    ClientStatus,
    Meeting,
    MeetingOutcome,
    ScreeningResponse,
)
from polku.casework.selectors import get_client
from polku.core import access
from polku.core.errors import AccessDenied
from polku.core.models import AccessAction, AccessBasis, User
from polku.core.pagination import page_of

CLIENTS_PER_PAGE = 25
NO_MEETING_DAYS = 30


def require_organising_access(*, actor: User, client: Client, object_type: str,
                              action: AccessAction = AccessAction.WRITE) -> access.AccessGrant:
    """A care-team member (or break-the-glass) through the access core, else a team lead of the client's
    organisation on the administrative basis; logged either way."""
    if actor.has_perm("core.assign_clients") and not access.has_care_relationship(user=actor, client_id=client.pk):
        return access.require_team_lead_access(actor=actor, client_id=client.pk,
                                               client_organisation_id=client.organisation_id, action=action,
                                               object_type=object_type, object_id=client.pk)
    return access.require_client_access(actor=actor, client_id=client.pk, action=action,
                                        object_type=object_type, object_id=client.pk)


def get_client_for_organising(*, viewer: User, client_id: int, object_type: str) -> Client:
    """One client for a team-organising page (care team, merge), through require_organising_access."""
    organisation_id = Client.objects.filter(pk=client_id).values_list("organisation_id", flat=True).first()
    require_organising_access(actor=viewer, client=Client(pk=client_id, organisation_id=organisation_id),
                              object_type=object_type, action=AccessAction.READ)
    client = Client.objects.select_related("organisation").filter(pk=client_id).first()
    if client is None:
        raise AccessDenied("client_not_found", _("No such client."))
    return client


def client_reference(*, client_id: int) -> Client:
    """Only the keys a write service needs to run its own access check (id, organisation, status, registrant).

    No client data is read here, so nothing is logged; the service logs when it checks access.
    """
    client = Client.objects.only("id", "organisation_id", "status", "created_by_id").filter(pk=client_id).first()
    if client is None:
        raise AccessDenied("client_not_found", _("No such client."))
    return client


def _start_of_day(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _my_clients_queryset(*, viewer: User) -> QuerySet[Client]:
    now = timezone.now()
    last_held = (Meeting.objects.filter(client=OuterRef("pk"), outcome=MeetingOutcome.HELD)
                 .order_by("-starts_at").values("starts_at")[:1])
    next_planned = (Meeting.objects.filter(client=OuterRef("pk"), outcome=MeetingOutcome.PLANNED, starts_at__gte=now)
                    .order_by("starts_at").values("starts_at")[:1])
    # "Positive" means the latest response of some instrument is positive; an older positive one that a
    # later negative response of the same instrument replaced does not count.
    later_same_instrument = ScreeningResponse.objects.filter(
        Q(administered_at__gt=OuterRef("administered_at"))
        | Q(administered_at=OuterRef("administered_at"), pk__gt=OuterRef("pk")),
        client=OuterRef("client"), instrument=OuterRef("instrument"))
    latest_positive = ScreeningResponse.objects.filter(client=OuterRef("pk"), positive=True).filter(
        ~Exists(later_same_instrument))
    active_membership = CareTeamMembership.objects.filter(client=OuterRef("pk"), worker=viewer,
                                                          ended_at__isnull=True)
    return (Client.objects.filter(Exists(active_membership)).exclude(status=ClientStatus.MERGED)
            .annotate(last_meeting_at=Subquery(last_held), next_meeting_at=Subquery(next_planned),
                      has_positive_screen=Exists(latest_positive))
            .order_by("family_name_latin", "given_names_latin", "pk"))


def _search(clients: QuerySet[Client], search: str) -> QuerySet[Client]:
    search = " ".join(search.split())
    if not search:
        return clients
    names = Q()
    for term in search.split():
        names &= (Q(given_names_latin__icontains=term) | Q(family_name_latin__icontains=term)
                  | Q(given_names__icontains=term) | Q(family_name__icontains=term))
    compact = "".join(search.split()).upper()
    # Identity codes match exactly only: a partial code would let anyone probe birth dates.
    return clients.filter(names | Q(identity_code=compact) | Q(immigration_number=compact))


def list_my_clients(*, viewer: User, today: date, search: str = "", needs_interpreter: bool | None = None,
                    overdue_notes: bool = False, positive_screen: bool = False, no_meeting_days: int | None = None,
                    page: int | str = 1, per_page: int = CLIENTS_PER_PAGE) -> Page:
    """One page of the clients the viewer has an active care relationship with, filtered; logs the clients shown.

    Each client carries last_meeting_at, next_meeting_at, has_positive_screen and has_overdue_notes.
    """
    if not viewer.has_perm("core.work_with_clients"):
        raise AccessDenied("client_work_not_permitted", _("Your role does not include client work."))
    clients = _search(_my_clients_queryset(viewer=viewer), search)
    if needs_interpreter is not None:
        clients = clients.filter(interpreter_needed=needs_interpreter)
    if positive_screen:
        clients = clients.filter(has_positive_screen=True)
    if no_meeting_days is not None:
        since = _start_of_day(today - timedelta(days=no_meeting_days))
        clients = clients.exclude(Exists(Meeting.objects.filter(client=OuterRef("pk"), outcome=MeetingOutcome.HELD,
                                                                starts_at__gte=since)))
    if overdue_notes:
        clients = quality.filter_clients_with_overdue_notes(clients, today=today)
    result = page_of(clients, per_page=per_page, page=page)
    rows = list(result.object_list)
    ids = [client.pk for client in rows]
    if overdue_notes:
        overdue = set(ids)
    elif ids:
        overdue = set(quality.filter_clients_with_overdue_notes(Client.objects.filter(pk__in=ids), today=today)
                      .values_list("pk", flat=True))
    else:
        overdue = set()
    for client in rows:
        client.has_overdue_notes = client.pk in overdue
    result.object_list = rows
    if ids:
        access.log_list_read(actor=viewer, client_ids=ids, object_type="my_clients")
    return result


def list_unassigned_clients(*, viewer: User) -> list[Client]:
    """Active clients of the team lead's organisation without a care team: Latin name and registration date only."""
    if not viewer.has_perm("core.assign_clients") or viewer.organisation_id is None:
        raise AccessDenied("assign_not_permitted", _("Only a team lead sees the clients waiting for a care team."))
    active_membership = CareTeamMembership.objects.filter(client=OuterRef("pk"), ended_at__isnull=True)
    # Minimum data: .only() keeps every other field of the record out of this page, by construction.
    clients = list(Client.objects.filter(organisation_id=viewer.organisation_id, status=ClientStatus.ACTIVE)
                   .exclude(Exists(active_membership))
                   .only("id", "organisation_id", "given_names_latin", "family_name_latin", "created_at")
                   .order_by("created_at", "pk"))
    if clients:
        access.log_list_read(actor=viewer, client_ids=[c.pk for c in clients], object_type="unassigned_clients",
                             basis=AccessBasis.ADMINISTRATIVE)
    return clients


@dataclass(frozen=True)
class ClientPage:
    """What the client page shows about the client itself; the slices add their own sections."""

    client: Client
    languages: list[ClientLanguage]
    legal_statuses: list[ClientLegalStatus]
    active_team: list[CareTeamMembership]
    team_history: list[CareTeamMembership]

    @property
    def current_legal_status(self) -> ClientLegalStatus | None:
        open_statuses = [s for s in self.legal_statuses if s.valid_to is None]
        return max(open_statuses, key=lambda s: (s.valid_from, s.pk)) if open_statuses else None


def get_client_page(*, viewer: User, client_id: int) -> ClientPage:
    """The client, languages, legal-status history and care team with history, through the access core."""
    client = get_client(viewer=viewer, client_id=client_id)
    memberships = list(client.care_memberships.select_related("worker", "assigned_by").order_by("started_at", "id"))
    return ClientPage(
        client=client,
        languages=list(client.languages.order_by("id")),
        legal_statuses=list(client.legal_statuses.select_related("recorded_by").order_by("-valid_from", "-id")),
        active_team=[m for m in memberships if m.ended_at is None],
        team_history=[m for m in memberships if m.ended_at is not None],
    )
