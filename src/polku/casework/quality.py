"""Documentation-quality rules (PPMM's evaluation: monitor documentation quality from the start)."""

from __future__ import annotations

from datetime import date

from django.db.models import QuerySet

from polku.casework.models import Client


def filter_clients_with_overdue_notes(clients: QuerySet[Client], *, today: date) -> QuerySet[Client]:
    """Clients with a held meeting that has no signed note within 3 working days."""
    return clients.none()
