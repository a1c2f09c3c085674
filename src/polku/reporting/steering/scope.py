"""Which clients and which time a steering-group report covers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from polku.casework.models import CareTeamMembership, Client, ClientStatus, Team
from polku.core.models import Organisation


def start_of_day(day: date) -> datetime:
    """Local (Finnish) midnight at the start of `day`: periods are Finnish calendar days."""
    return timezone.make_aware(datetime.combine(day, time.min), timezone.get_default_timezone())


def organisation_ids(organisation: Organisation) -> list[int]:
    """The organisation and every unit below it (a county's report includes its client-work units)."""
    ids, frontier = [organisation.pk], [organisation.pk]
    while frontier:
        frontier = list(Organisation.objects.filter(parent_id__in=frontier).values_list("pk", flat=True))
        ids.extend(frontier)
    return ids


@dataclass(frozen=True)
class Scope:
    organisation: Organisation
    team: Team | None
    start: date
    end: date  # inclusive

    @property
    def start_at(self) -> datetime:
        return start_of_day(self.start)

    @property
    def end_at(self) -> datetime:
        """Exclusive: local midnight after the last day."""
        return start_of_day(self.end + timedelta(days=1))

    def previous(self) -> Scope:
        """The period of equal length just before this one."""
        days = (self.end - self.start).days
        end = self.start - timedelta(days=1)
        return Scope(organisation=self.organisation, team=self.team, start=end - timedelta(days=days), end=end)

    def clients(self) -> QuerySet[Client]:
        """Clients of the organisation (and its units), of the team when one is chosen; merged duplicates out."""
        clients = Client.objects.filter(organisation_id__in=organisation_ids(self.organisation)) \
            .exclude(status=ClientStatus.MERGED)
        if self.team is not None:
            clients = clients.filter(Exists(CareTeamMembership.objects.filter(client=OuterRef("pk"), team=self.team)))
        return clients

    def client_ids(self) -> QuerySet:
        return self.clients().values("pk")
