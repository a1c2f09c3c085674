"""Moving a duplicate client record's referrals and path breaks to the kept record (part of merge_clients)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from polku.casework.models import Client
from polku.referrals.models import PathBreak, Referral


def move_client_records(*, keep: Client, duplicate: Client) -> dict[str, int]:
    """Re-point referrals and path breaks; must run inside the merge's transaction, with both clients locked."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("move_client_records must run inside the transaction of the merge")
    moved = {"referrals": Referral.objects.filter(client=duplicate).update(client=keep)}
    # One open client-level break per kind: the duplicate's clashing one is resolved, then moved as history.
    kept_open = PathBreak.objects.filter(client=keep, referral__isnull=True, resolved_at__isnull=True).values("kind")
    PathBreak.objects.filter(client=duplicate, referral__isnull=True, resolved_at__isnull=True,
                             kind__in=kept_open).update(resolved_at=timezone.now(), resolved_on=timezone.localdate())
    moved["path_breaks"] = PathBreak.objects.filter(client=duplicate).update(client=keep)
    return moved
