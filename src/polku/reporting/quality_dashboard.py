"""The team lead's documentation-quality dashboard: open quality items per worker and per client.

The rules are casework's (`polku.casework.quality`). A team lead sees the counts of every client of their
organisation (administrative basis: organising the team's work, logged as such), but a client's identity and the
drill-down only where the lead has a care relationship (the access core decides; others see counts only).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext_lazy as _

from polku.casework.models import CareTeamMembership, Client, ClientStatus
from polku.casework.quality import QualityItem, quality_items_for_client
from polku.casework.selectors import get_client
from polku.core import access
from polku.core.errors import AccessDenied
from polku.core.models import AccessBasis, User


@dataclass(frozen=True)
class WorkerRow:
    worker: User
    clients: int
    items: int
    overdue: int


@dataclass(frozen=True)
class ClientRow:
    # Set only when the viewer has a care relationship with the client; otherwise the row is counts only.
    client: Client | None
    items: int
    overdue: int


@dataclass(frozen=True)
class QualityDashboard:
    workers: list[WorkerRow]
    clients: list[ClientRow]
    total_items: int
    total_overdue: int


def require_team_lead(viewer: User) -> None:
    if not (viewer.is_authenticated and viewer.is_active and viewer.has_perm("core.assign_clients")
            and viewer.organisation_id):
        raise AccessDenied("quality_dashboard_not_permitted", _("Only a team lead sees the quality dashboard."))


def build_quality_dashboard(*, viewer: User, today: date) -> QualityDashboard:
    """Open documentation-quality items of the lead's organisation, per worker and per client; logs the reads."""
    require_team_lead(viewer)
    clients = list(Client.objects.filter(organisation_id=viewer.organisation_id, status=ClientStatus.ACTIVE)
                   .order_by("pk"))
    items: dict[int, list[QualityItem]] = {client.pk: quality_items_for_client(client=client, today=today)
                                           for client in clients}
    with_items = [client for client in clients if items[client.pk]]
    team: dict[int, set[int]] = defaultdict(set)
    workers: dict[int, User] = {}
    for membership in (CareTeamMembership.objects.filter(client_id__in=[c.pk for c in clients], ended_at__isnull=True)
                       .select_related("worker")):
        team[membership.worker_id].add(membership.client_id)
        workers[membership.worker_id] = membership.worker
    mine = team.get(viewer.pk, set())
    shown = [client.pk for client in with_items if client.pk in mine]
    counted = [client.pk for client in clients if client.pk not in mine]
    if shown:
        access.log_list_read(actor=viewer, client_ids=shown, object_type="quality_dashboard")
    if counted:
        access.log_list_read(actor=viewer, client_ids=counted, object_type="quality_dashboard_counts",
                             basis=AccessBasis.ADMINISTRATIVE)

    def overdue(client_id: int) -> int:
        return sum(item.overdue for item in items[client_id])

    worker_rows = sorted(
        (WorkerRow(worker=worker, clients=sum(1 for c in team[pk] if items.get(c)),
                   items=sum(len(items[c]) for c in team[pk]), overdue=sum(overdue(c) for c in team[pk]))
         for pk, worker in workers.items()),
        key=lambda row: (-row.overdue, -row.items, row.worker.get_full_name(), row.worker.pk))
    client_rows = sorted(
        (ClientRow(client=client if client.pk in mine else None, items=len(items[client.pk]),
                   overdue=overdue(client.pk)) for client in with_items),
        key=lambda row: (-row.overdue, -row.items))
    return QualityDashboard(workers=worker_rows, clients=client_rows,
                            total_items=sum(len(v) for v in items.values()),
                            total_overdue=sum(overdue(pk) for pk in items))


def client_quality_items(*, viewer: User, client_id: int, today: date) -> tuple[Client, list[QualityItem]]:
    """Drill-down to one client's quality items: a team lead with a care relationship only (the access core)."""
    require_team_lead(viewer)
    client = get_client(viewer=viewer, client_id=client_id, object_type="quality_dashboard")
    return client, quality_items_for_client(client=client, today=today)
