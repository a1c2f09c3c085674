"""Reads of meetings, care-team workers and work time; the client is access-checked by the caller or here."""

from __future__ import annotations

from django.db.models import OuterRef, Prefetch, QuerySet, Subquery, Sum

from polku.casework.models import CareTeamMembership, Client, Meeting, MeetingParticipant, WorkTime
from polku.core import access
from polku.core.errors import AccessDenied
from polku.core.models import AccessAction, User


def list_meetings(*, viewer: User, client: Client) -> QuerySet[Meeting]:
    """The client's meetings, newest first, with participants and work time (client already access-checked)."""
    return (Meeting.objects.filter(client=client)
            # The workers come with their rows (a join) rather than as two more queries.
            .prefetch_related(Prefetch("participants", queryset=MeetingParticipant.objects.select_related("worker")),
                              Prefetch("work_times", queryset=WorkTime.objects.select_related("worker")))
            .order_by("-starts_at", "-id"))


def get_meeting(*, viewer: User, client_id: int, meeting_id: int,
                action: AccessAction = AccessAction.READ) -> Meeting:
    """One meeting of a client, through the access core (logged either way)."""
    access.require_client_access(actor=viewer, client_id=client_id, action=action, object_type="meeting",
                                 object_id=meeting_id)
    meeting = (Meeting.objects.select_related("client").prefetch_related("participants__worker")
               .filter(pk=meeting_id, client_id=client_id).first())
    if meeting is None:
        raise AccessDenied("meeting_not_found", "No such meeting.")
    return meeting


def list_care_team_workers(*, viewer: User, client: Client) -> QuerySet[User]:
    """Workers of the client's active care team, each annotated with `care_role` (client already checked)."""
    role = CareTeamMembership.objects.filter(client=client, worker=OuterRef("pk"), ended_at__isnull=True)
    return (User.objects.filter(care_memberships__client=client, care_memberships__ended_at__isnull=True)
            .annotate(care_role=Subquery(role.values("role")[:1]))
            .order_by("last_name", "first_name", "pk").distinct())


def get_work_time(*, viewer: User, client_id: int, work_time_id: int,
                  action: AccessAction = AccessAction.READ) -> WorkTime:
    """One work-time row of a client, through the access core."""
    access.require_client_access(actor=viewer, client_id=client_id, action=action, object_type="work_time",
                                 object_id=work_time_id)
    row = WorkTime.objects.select_related("meeting").filter(pk=work_time_id, client_id=client_id).first()
    if row is None:
        raise AccessDenied("work_time_not_found", "No such work time.")
    return row


def list_work_time(*, viewer: User, client: Client) -> QuerySet[WorkTime]:
    """Work-time rows on the client outside meetings, newest first (client already access-checked)."""
    return (WorkTime.objects.filter(client=client, meeting__isnull=True).select_related("worker")
            .order_by("-date", "-id"))


def total_work_minutes(*, viewer: User, client: Client) -> int:
    """All minutes the care team has used on the client, meetings included (steering group's question)."""
    return WorkTime.objects.filter(client=client).aggregate(total=Sum("minutes"))["total"] or 0
