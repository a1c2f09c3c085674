"""Writes of the daily break job: persist the breaks `rules.detect_breaks` finds, expire referrals nobody moved."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from polku.casework.models import Client
from polku.casework.services.path_events import record_path_event
from polku.referrals.events import ReferralEventKind
from polku.referrals.models import BreakKind, BreakRule, PathBreak, Referral
from polku.referrals.rules import (
    DEFAULT_BREAK_RULES,
    break_key,
    deadline_from,
    detect_breaks,
    local_date,
    overdue_referrals,
    start_of_day,
)
from polku.referrals.services.referrals import expire_referral


@dataclass(frozen=True)
class BreakRun:
    opened: int
    still_open: int
    resolved: int


@transaction.atomic
def load_default_break_rules() -> int:
    """Create the default rule of each kind that has none (idempotent); returns how many were created."""
    created = 0
    for default in DEFAULT_BREAK_RULES:
        _rule, was_created = BreakRule.objects.get_or_create(
            kind=default.kind, service_type=None,
            defaults={"days": default.days, "working_days": default.working_days, "active": True})
        created += was_created
    return created


@transaction.atomic
def record_breaks(*, today: date) -> BreakRun:
    """Open a PathBreak (and write PATH_BROKEN) for each new break, keep open ones current, resolve ended ones."""
    # Locking the rules serialises two runs, so that they cannot both open the same break.
    rules = list(BreakRule.objects.select_for_update().order_by("pk"))
    found = {found.key: found for found in detect_breaks(today=today, rules=rules)}
    open_rows = {break_key(kind=row.kind, client_id=row.client_id, referral_id=row.referral_id): row
                 for row in PathBreak.objects.select_for_update().filter(resolved_at__isnull=True)}
    new = [found[key] for key in found if key not in open_rows]
    clients = Client.objects.select_related("organisation").in_bulk({b.client_id for b in new})
    referrals = Referral.objects.in_bulk({b.referral_id for b in new if b.referral_id})
    for detected in new:
        row = PathBreak.objects.create(
            rule_id=detected.rule_id, kind=detected.kind, client_id=detected.client_id,
            referral_id=detected.referral_id, deadline=detected.deadline, since=detected.since,
            days_overdue=detected.days_overdue, opened_on=today, last_seen_on=today)
        record_path_event(
            client=clients[detected.client_id], activity=ReferralEventKind.PATH_BROKEN, actor=None,
            at=start_of_day(detected.since), subject=referrals.get(detected.referral_id), service=detected.service,
            attributes={"kind": detected.kind, "rule_id": detected.rule_id, "break_id": row.pk,
                        "referral_id": detected.referral_id, "deadline": detected.deadline.isoformat()})
    still_open, resolved, now = [], [], timezone.now()
    for key, row in open_rows.items():
        if key in found:
            current = found[key]
            row.rule_id, row.deadline, row.since = current.rule_id, current.deadline, current.since
            row.days_overdue, row.last_seen_on = current.days_overdue, today
            still_open.append(row)
        else:
            row.resolved_at, row.resolved_on = now, today
            resolved.append(row)
    PathBreak.objects.bulk_update(still_open, ["rule", "deadline", "since", "days_overdue", "last_seen_on"])
    PathBreak.objects.bulk_update(resolved, ["resolved_at", "resolved_on"])
    return BreakRun(opened=len(new), still_open=len(still_open), resolved=len(resolved))


def expire_referrals(*, today: date) -> int:
    """Expire referrals that waited for the service past the expiry rule; each in its own transaction."""
    rules = list(BreakRule.objects.all())
    expired = 0
    for rule, rows in overdue_referrals(kind=BreakKind.EXPIRY, today=today, rules=rules):
        for pk, _client_id, anchor, changed_at, _service, _sender in rows:
            deadline = deadline_from(local_date(anchor), rule)
            # The expiry happened when the deadline passed, not whenever the job ran.
            at = min(start_of_day(deadline + timedelta(days=1)), timezone.now())
            result = expire_referral(referral=Referral(pk=pk, status_changed_at=changed_at), at=at,
                                     reason=f"no step in {rule.days} days")
            expired += result is not None
    return expired
