"""Recording other compensable costs of a client (special social and health-care costs) for the claim."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from polku.casework.models import Client
from polku.core import access
from polku.core.errors import DomainError
from polku.core.models import AccessAction, User
from polku.interpreting.models import CompensableCost, CompensableCostKind


def record_compensable_cost(*, actor: User, client: Client, day: date, kind: str, amount: Decimal,
                            description: str = "") -> CompensableCost:
    """A cost to include in the state-compensation claim; no diagnosis in the description."""
    access.require_client_access(actor=actor, client_id=client.pk, action=AccessAction.WRITE,
                                 object_type="compensable_cost")
    if kind not in CompensableCostKind.values:
        raise DomainError("invalid_kind", _("Choose the kind of cost from the list."), field="kind")
    if amount is None or amount <= 0:
        raise DomainError("amount_required", _("Give the amount (more than zero)."), field="amount")
    if day > timezone.localdate():
        raise DomainError("date_in_future", _("A cost is recorded once it has arisen."), field="day")
    with transaction.atomic():
        return CompensableCost.objects.create(client=client, organisation=client.organisation, date=day, kind=kind,
                                              amount=amount, description=(description or "").strip()[:300],
                                              recorded_by=actor)
