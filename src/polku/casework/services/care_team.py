"""Writes for care teams: the team lead assigns the pair, a professional takes a client, members leave.

PPMM: a nurse and a social counsellor meet each new client together, so the normal care team is that
pair; any other composition is allowed only with a stated reason. Memberships are never deleted: ending
one sets ended_at and end_reason, and the team's history stays readable.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from polku.casework.models import CareTeamMembership, CareTeamRole, Client, ClientStatus, PathEventKind, Team
from polku.casework.selectors.clients import require_organising_access
from polku.casework.services.path_events import record_path_event
from polku.core import access
from polku.core.errors import AccessDenied, DomainError
from polku.core.models import User
from polku.core.roles import Profession

PAIR = Counter({CareTeamRole.NURSE: 1, CareTeamRole.SOCIAL_COUNSELLOR: 1})

# A care-team role must match the worker's profession; "other" fits anyone who works with clients.
ROLE_FOR_PROFESSION = {
    Profession.NURSE: CareTeamRole.NURSE,
    Profession.SOCIAL_COUNSELLOR: CareTeamRole.SOCIAL_COUNSELLOR,
    Profession.PSYCHOLOGIST: CareTeamRole.PSYCHOLOGIST,
    Profession.DOCTOR: CareTeamRole.DOCTOR,
}

Assignment = tuple[User, str]


def is_pair(roles: Sequence[str]) -> bool:
    """True for exactly one nurse and one social counsellor."""
    return Counter(roles) == PAIR


def _check_workers(*, client: Client, workers: Sequence[Assignment]) -> None:
    if not workers:
        raise DomainError("workers_required", _("Choose at least one worker."), field="workers")
    if len({worker.pk for worker, _role in workers}) != len(workers):
        raise DomainError("worker_twice", _("The same worker is chosen twice."), field="workers")
    for worker, role in workers:
        if role not in CareTeamRole.values:
            raise DomainError("unknown_role", _("Unknown care-team role."), field="workers")
        if not (worker.is_active and worker.has_perm("core.work_with_clients")):
            raise DomainError("worker_cannot_work_with_clients",
                              _("%(worker)s does not work with clients.") % {"worker": worker}, field="workers")
        if worker.organisation_id != client.organisation_id:
            raise DomainError("worker_in_other_organisation",
                              _("%(worker)s works in another organisation.") % {"worker": worker}, field="workers")
        if role != CareTeamRole.OTHER and ROLE_FOR_PROFESSION.get(worker.profession) != role:
            raise DomainError("role_does_not_match_profession",
                              _("%(worker)s cannot be the %(role)s of the care team: the profession does not "
                                "match.") % {"worker": worker, "role": CareTeamRole(role).label}, field="workers")


def _check_composition(roles: Sequence[str], exception_reason: str) -> None:
    if not is_pair(roles) and not exception_reason.strip():
        raise DomainError("pair_exception_reason_required",
                          _("The care team is normally a nurse and a social counsellor. State the reason for "
                            "another composition."), field="exception_reason")


def _lock_active_client(client: Client) -> Client:
    locked = Client.objects.select_for_update().get(pk=client.pk)
    if locked.status != ClientStatus.ACTIVE:
        raise DomainError("client_not_active", _("This client record is not active."))
    return locked


def _team_snapshot(client: Client) -> list[dict]:
    return [{"worker_id": m.worker_id, "role": m.role}
            for m in client.care_memberships.filter(ended_at__isnull=True).order_by("id")]


def assign_care_team(*, actor: User, client: Client, workers: Sequence[Assignment], team: Team | None = None,
                     exception_reason: str = "") -> list[CareTeamMembership]:
    """A team lead assigns a client's first care team: normally the nurse + social counsellor pair."""
    # The team lead needs no care relationship here: assigning is what creates one.
    access.require_team_lead_access(actor=actor, client_id=client.pk, client_organisation_id=client.organisation_id,
                                    object_type="care_team", object_id=client.pk)
    _check_workers(client=client, workers=workers)
    _check_composition([role for _worker, role in workers], exception_reason)
    if team is not None and team.organisation_id != client.organisation_id:
        raise DomainError("team_in_other_organisation", _("The team belongs to another organisation."), field="team")
    with transaction.atomic():
        # The lock serialises two leads assigning the same client at once: the second sees the first's team.
        locked = _lock_active_client(client)
        if locked.care_memberships.filter(ended_at__isnull=True).exists():
            raise DomainError("care_team_exists", _("This client already has a care team; change the team "
                                                    "instead."))
        now = timezone.now()
        memberships = CareTeamMembership.objects.bulk_create(
            CareTeamMembership(client=locked, worker=worker, role=role, team=team, started_at=now, assigned_by=actor)
            for worker, role in workers)
        record_path_event(client=locked, activity=PathEventKind.CARE_TEAM_ASSIGNED, actor=actor, at=now,
                          attributes={"team": _team_snapshot(locked), "pair": is_pair([r for _w, r in workers]),
                                      "exception_reason": exception_reason.strip()})
    return memberships


def take_client(*, actor: User, client: Client) -> CareTeamMembership:
    """A professional takes a client they registered and nobody has yet: they join its care team."""
    if not actor.has_perm("core.work_with_clients"):
        raise AccessDenied("client_work_not_permitted", _("Your role does not include client work."))
    if client.created_by_id != actor.pk or client.organisation_id != actor.organisation_id:
        raise AccessDenied("not_registrant", _("You can take only a client you registered yourself."))
    role = ROLE_FOR_PROFESSION.get(actor.profession, CareTeamRole.OTHER)
    with transaction.atomic():
        locked = _lock_active_client(client)
        if locked.care_memberships.exists():
            raise DomainError("client_already_taken", _("This client already has a care team; ask the team lead."))
        membership = CareTeamMembership.objects.create(client=locked, worker=actor, role=role, assigned_by=actor)
        record_path_event(client=locked, activity=PathEventKind.CARE_TEAM_ASSIGNED, actor=actor,
                          subject=membership, attributes={"team": _team_snapshot(locked), "taken": True,
                                                          "pair": False})
    return membership


def end_care_membership(*, actor: User, membership: CareTeamMembership, reason: str) -> CareTeamMembership:
    """End one membership with a reason (the team lead, or the worker leaving); the row is kept."""
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("reason_required", _("State why the worker leaves the care team."), field="reason")
    client = membership.client
    if membership.worker_id == actor.pk:
        access.require_client_access(actor=actor, client_id=client.pk, action=access.Action.WRITE,
                                     object_type="care_team", object_id=membership.pk)
    else:
        access.require_team_lead_access(actor=actor, client_id=client.pk,
                                        client_organisation_id=client.organisation_id, object_type="care_team",
                                        object_id=membership.pk)
    with transaction.atomic():
        locked = _lock_active_client(client)
        current = CareTeamMembership.objects.select_for_update().get(pk=membership.pk)
        if current.ended_at is not None:
            raise DomainError("membership_already_ended", _("This membership has already ended."))
        current.ended_at, current.end_reason = timezone.now(), reason[:300]
        current.save(update_fields=["ended_at", "end_reason"])
        record_path_event(client=locked, activity=PathEventKind.CARE_TEAM_CHANGED, actor=actor, subject=current,
                          attributes={"ended": [current.worker_id], "added": [], "team": _team_snapshot(locked)})
    return current


def change_care_team(*, actor: User, client: Client, reason: str, add: Sequence[Assignment] = (),
                     end: Sequence[CareTeamMembership] = (), exception_reason: str = "",
                     team: Team | None = None) -> list[CareTeamMembership]:
    """A team lead changes the care team in one step; the resulting team follows the pair rule."""
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("reason_required", _("State the reason for the change."), field="reason")
    if not add and not end:
        raise DomainError("nothing_to_change", _("Choose who leaves or who joins the care team."), field="workers")
    if actor.has_perm("core.assign_clients"):
        require_organising_access(actor=actor, client=client, object_type="care_team")
    else:
        access.require_team_lead_access(actor=actor, client_id=client.pk,  # refuses, and logs the attempt
                                        client_organisation_id=client.organisation_id, object_type="care_team",
                                        object_id=client.pk)
    if add:
        _check_workers(client=client, workers=add)
    with transaction.atomic():
        locked = _lock_active_client(client)
        active = {m.pk: m for m in locked.care_memberships.select_for_update().filter(ended_at__isnull=True)}
        ending = [active.get(m.pk) for m in end]
        if None in ending:
            raise DomainError("membership_not_active", _("One of the chosen memberships has already ended."),
                              field="end")
        staying = [m for pk, m in active.items() if pk not in {m.pk for m in ending}]
        if {m.worker_id for m in staying} & {worker.pk for worker, _role in add}:
            raise DomainError("already_in_team", _("A chosen worker is already in the care team."), field="workers")
        _check_composition([m.role for m in staying] + [role for _w, role in add], exception_reason)
        now = timezone.now()
        for membership in ending:
            membership.ended_at, membership.end_reason = now, reason[:300]
            membership.save(update_fields=["ended_at", "end_reason"])
        added = CareTeamMembership.objects.bulk_create(
            CareTeamMembership(client=locked, worker=worker, role=role, team=team, started_at=now, assigned_by=actor)
            for worker, role in add)
        record_path_event(client=locked, activity=PathEventKind.CARE_TEAM_CHANGED, actor=actor, at=now,
                          attributes={"ended": [m.worker_id for m in ending], "added": [w.pk for w, _r in add],
                                      "team": _team_snapshot(locked), "reason": reason,
                                      "exception_reason": exception_reason.strip()})
    return added
