"""Break rules: where a client's path has waited longer than a rule allows, computed live with querysets.

Each rule sets a deadline from an anchor date (the referral was sent, accepted, the appointment missed, the
call-back missed, the last held meeting). The path counts as broken from the day after the deadline. The
queries run once per rule scope (a service type, or the default for the rest), never once per referral;
Python only finishes the rows that are already broken (their exact deadline).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import DateField, Exists, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from polku.casework.models import Client, ClientStatus, Meeting, MeetingOutcome, PlanStatus, ServicePlan
from polku.casework.workdays import add_working_days, latest_start_past_deadline
from polku.referrals.machine import WAITING
from polku.referrals.models import BreakKind, BreakRule, Referral, ReferralStatus


@dataclass(frozen=True)
class DefaultRule:
    kind: str
    days: int
    working_days: bool = False


# The defaults the data migration seeds (and load_default_break_rules restores); each can be edited in the admin.
DEFAULT_BREAK_RULES = (
    DefaultRule(BreakKind.NOT_RECEIVED, 5, working_days=True),
    DefaultRule(BreakKind.NO_APPOINTMENT, 30),
    DefaultRule(BreakKind.NO_NEW_APPOINTMENT, 14),
    DefaultRule(BreakKind.NO_CONTACT, 60),
    # PPMM: a missed call-back loses the slot; one working day to get a new one before the path counts as broken.
    DefaultRule(BreakKind.CALLBACK_MISSED, 1, working_days=True),
    DefaultRule(BreakKind.EXPIRY, 90),
)


@dataclass(frozen=True)
class ReferralCondition:
    """Which referrals a kind watches, and the field its deadline counts from."""

    where: Q
    anchor: str


REFERRAL_CONDITIONS: dict[str, ReferralCondition] = {
    BreakKind.NOT_RECEIVED: ReferralCondition(Q(status=ReferralStatus.SENT), "sent_at"),
    BreakKind.NO_APPOINTMENT: ReferralCondition(
        Q(status=ReferralStatus.ACCEPTED, appointment_missed_at__isnull=True), "decided_at"),
    BreakKind.NO_NEW_APPOINTMENT: ReferralCondition(
        Q(status=ReferralStatus.ACCEPTED, appointment_missed_at__isnull=False), "appointment_missed_at"),
    # Only a call-back missed since the last status change: any later step ends the break.
    BreakKind.CALLBACK_MISSED: ReferralCondition(
        Q(status__in=WAITING, callback_missed_at__gte=F("status_changed_at")), "callback_missed_at"),
    BreakKind.EXPIRY: ReferralCondition(Q(status__in=WAITING), "status_changed_at"),
}
BREAK_KINDS = (BreakKind.NOT_RECEIVED, BreakKind.NO_APPOINTMENT, BreakKind.NO_NEW_APPOINTMENT,
               BreakKind.CALLBACK_MISSED, BreakKind.NO_CONTACT)


@dataclass(frozen=True)
class DetectedBreak:
    """A break as it stands on `today`: days_overdue counts calendar days past the deadline."""

    kind: str
    rule_id: int
    client_id: int
    referral_id: int | None
    deadline: date
    since: date
    days_overdue: int
    service: str = ""

    @property
    def key(self) -> tuple:
        return break_key(kind=self.kind, client_id=self.client_id, referral_id=self.referral_id)


def break_key(*, kind: str, client_id: int, referral_id: int | None) -> tuple:
    """One open break per (referral, kind), or per (client, kind) for the client-level kinds."""
    return (kind, "referral", referral_id) if referral_id is not None else (kind, "client", client_id)


def start_of_day(day: date) -> datetime:
    """Local midnight at the start of `day`, in the site's time zone (Finland)."""
    return timezone.make_aware(datetime.combine(day, time.min), timezone.get_default_timezone())


def local_date(moment: datetime) -> date:
    return timezone.localtime(moment, timezone.get_default_timezone()).date()


def deadline_from(anchor: date, rule: BreakRule) -> date:
    """The last day still in time: `days` working days (Finnish calendar) or calendar days after the anchor."""
    return add_working_days(anchor, rule.days) if rule.working_days else anchor + timedelta(days=rule.days)


def last_anchor_past_deadline(today: date, rule: BreakRule) -> date:
    """The latest anchor date whose deadline is already behind `today`."""
    if rule.working_days:
        return latest_start_past_deadline(today, rule.days)
    return today - timedelta(days=rule.days + 1)


def rule_scopes(rules: Iterable[BreakRule], kind: str) -> list[tuple[BreakRule, Q]]:
    """The active rules of a kind with the referrals each covers: its service type, or the default for the rest.

    A rule for a type overrides the default even when inactive: switching it off switches the check off there.
    """
    of_kind = [rule for rule in rules if rule.kind == kind]
    specific = {rule.service_type: rule for rule in of_kind if rule.service_type}
    default = next((rule for rule in of_kind if not rule.service_type), None)
    scopes = [(rule, Q(target_service__service_type=service_type))
              for service_type, rule in sorted(specific.items()) if rule.active]
    if default is not None and default.active:
        scopes.append((default, ~Q(target_service__service_type__in=list(specific)) if specific else Q()))
    return scopes


def overdue_referrals(*, kind: str, today: date, rules: Iterable[BreakRule]) -> list[tuple[BreakRule, list[tuple]]]:
    """Per rule scope, rows (pk, client_id, anchor, status_changed_at, service name) past the kind's deadline."""
    condition = REFERRAL_CONDITIONS[kind]
    found = []
    for rule, scope in rule_scopes(rules, kind):
        before = start_of_day(last_anchor_past_deadline(today, rule) + timedelta(days=1))
        rows = list(Referral.objects.filter(condition.where, scope, **{f"{condition.anchor}__lt": before})
                    .order_by("pk")
                    .values_list("pk", "client_id", condition.anchor, "status_changed_at",
                                 "target_service__name_fi", "external_sender"))
        found.append((rule, rows))
    return found


def _referral_breaks(kind: str, *, today: date, rules: list[BreakRule]) -> list[DetectedBreak]:
    breaks = []
    for rule, rows in overdue_referrals(kind=kind, today=today, rules=rules):
        for pk, client_id, anchor, _changed, service, sender in rows:
            deadline = deadline_from(local_date(anchor), rule)
            breaks.append(DetectedBreak(kind=kind, rule_id=rule.pk, client_id=client_id, referral_id=pk,
                                        deadline=deadline, since=deadline + timedelta(days=1),
                                        days_overdue=(today - deadline).days, service=service or sender))
    return breaks


def _no_contact_breaks(*, today: date, rules: list[BreakRule]) -> list[DetectedBreak]:
    """Clients with a plan in force and no held meeting for the rule's days (counting from the plan's start)."""
    scopes = rule_scopes(rules, BreakKind.NO_CONTACT)
    if not scopes:
        return []
    rule = scopes[0][0]
    last_contact_allowed = last_anchor_past_deadline(today, rule)
    plan_start = (ServicePlan.objects.filter(client=OuterRef("pk"), status=PlanStatus.ACTIVE)
                  .annotate(start=Coalesce("agreed_on", TruncDate("created_at"), output_field=DateField()))
                  .values("start")[:1])
    held = Meeting.objects.filter(client=OuterRef("pk"), outcome=MeetingOutcome.HELD,
                                  starts_at__lt=start_of_day(today + timedelta(days=1)))
    rows = (Client.objects.filter(status=ClientStatus.ACTIVE)
            .annotate(plan_start=Subquery(plan_start),
                      last_held=Subquery(held.order_by("-starts_at").values("starts_at")[:1]))
            .filter(plan_start__lte=last_contact_allowed)
            .exclude(Exists(held.filter(starts_at__gte=start_of_day(last_contact_allowed + timedelta(days=1)))))
            .order_by("pk").values_list("pk", "plan_start", "last_held"))
    breaks = []
    for client_id, started, last_held in rows:
        last_contact = max(started, local_date(last_held)) if last_held else started
        deadline = deadline_from(last_contact, rule)
        breaks.append(DetectedBreak(kind=BreakKind.NO_CONTACT, rule_id=rule.pk, client_id=client_id,
                                    referral_id=None, deadline=deadline, since=deadline + timedelta(days=1),
                                    days_overdue=(today - deadline).days))
    return breaks


def detect_breaks(*, today: date, rules: list[BreakRule] | None = None) -> list[DetectedBreak]:
    """Every break on `today` by the active rules: one query per rule scope, ordered by since, client, referral."""
    rules = list(BreakRule.objects.all()) if rules is None else rules
    breaks = []
    for kind in BREAK_KINDS:
        if kind == BreakKind.NO_CONTACT:
            breaks += _no_contact_breaks(today=today, rules=rules)
        else:
            breaks += _referral_breaks(kind, today=today, rules=rules)
    return sorted(breaks, key=lambda b: (b.since, b.client_id, b.referral_id or 0, b.kind))
