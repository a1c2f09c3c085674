"""Reads of client data. Every function takes the viewer and goes through the access core."""

from __future__ import annotations

from django.db.models import QuerySet

from polku.casework.models import CareTeamMembership, Client
from polku.core import access
from polku.core.errors import AccessDenied
from polku.core.models import AccessAction, User


def has_active_care_membership(user: User, client_id: int) -> bool:
    """The care relationship the access core checks: an active membership in the client's care team."""
    return CareTeamMembership.objects.filter(worker=user, client_id=client_id, ended_at__isnull=True).exists()


def get_client(*, viewer: User, client_id: int, action: AccessAction = AccessAction.READ,
               object_type: str = "client") -> Client:
    """One client, if the access core allows the viewer; logs the access either way."""
    access.require_client_access(actor=viewer, client_id=client_id, action=action, object_type=object_type,
                                 object_id=client_id)
    client = Client.objects.select_related("municipality", "organisation").filter(pk=client_id).first()
    if client is None:
        raise AccessDenied("client_not_found", "No such client.")
    return client


def visible_clients(*, viewer: User) -> QuerySet[Client]:
    """Clients the viewer has an active care relationship with (not yet logged: log what you show)."""
    return Client.objects.filter(care_memberships__worker=viewer,
                                 care_memberships__ended_at__isnull=True).distinct()
