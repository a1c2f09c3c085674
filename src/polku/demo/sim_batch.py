"""Rows of a batch of simulated clients, written with bulk_create in dependency order."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.db import models

from polku.casework.models import (
    CareTeamMembership,
    Client,
    ClientLanguage,
    ClientLegalStatus,
    Meeting,
    MeetingParticipant,
    Note,
    PathEvent,
    PlanAction,
    PlanGoal,
    ScreeningResponse,
    ServicePlan,
    WorkTime,
)
from polku.casework.workdays import is_working_day
from polku.core.models import DisclosureLog
from polku.referrals.models import Referral, ReferralConsent, ReferralTransition

HELSINKI = ZoneInfo("Europe/Helsinki")
OFFICE_START = 8 * 60
OFFICE_END = 16 * 60
# Rows per INSERT: keeps PostgreSQL statements moderate; SQLite lowers it further to its variable limit.
INSERT_BATCH = 1000


def local(day: date, minute: int) -> datetime:
    """An aware Europe/Helsinki datetime on `day` at `minute` past midnight."""
    return datetime(day.year, day.month, day.day, minute // 60, minute % 60, tzinfo=HELSINKI)


def working_day_on_or_after(day: date) -> date:
    """The first working day on or after `day`."""
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


def minute_of(moment: datetime) -> int:
    """Minutes past local midnight."""
    return moment.hour * 60 + moment.minute


@dataclass
class PendingEvent:
    """A path event whose subject may not have a primary key yet."""

    client: Client
    activity: str
    at: datetime
    actor: object
    subject: models.Model | None
    attributes: dict
    seq: int
    service: str = ""  # the receiving service's name (referral events)
    organisation: object = None  # overrides the actor's (a service's answer recorded by the sender)


@dataclass
class Batch:
    clients: list[Client] = field(default_factory=list)
    languages: list[ClientLanguage] = field(default_factory=list)
    legal_statuses: list[ClientLegalStatus] = field(default_factory=list)
    memberships: list[CareTeamMembership] = field(default_factory=list)
    meetings: list[Meeting] = field(default_factory=list)
    participants: list[MeetingParticipant] = field(default_factory=list)
    work_times: list[WorkTime] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    screenings: list[ScreeningResponse] = field(default_factory=list)
    plans: list[ServicePlan] = field(default_factory=list)
    goals: list[PlanGoal] = field(default_factory=list)
    actions: list[PlanAction] = field(default_factory=list)
    events: list[PendingEvent] = field(default_factory=list)
    referrals: list[Referral] = field(default_factory=list)
    referral_consents: list[ReferralConsent] = field(default_factory=list)
    referral_transitions: list[ReferralTransition] = field(default_factory=list)
    disclosures: list[DisclosureLog] = field(default_factory=list)
    # Run once the referrals have primary keys: fill ids into attributes and disclosure texts.
    after_keys: list[Callable[[], None]] = field(default_factory=list)

    def flush(self) -> dict[str, int]:
        """Insert everything (parents first, so children pick up their parents' keys); return row counts."""
        ordered = [(Client, self.clients), (ClientLanguage, self.languages), (ClientLegalStatus, self.legal_statuses),
                   (CareTeamMembership, self.memberships), (Meeting, self.meetings),
                   (MeetingParticipant, self.participants), (WorkTime, self.work_times), (Note, self.notes),
                   (ScreeningResponse, self.screenings), (ServicePlan, self.plans), (PlanGoal, self.goals),
                   (PlanAction, self.actions), (Referral, self.referrals)]
        counts: dict[str, int] = {}
        for model, rows in ordered:
            if rows:
                model.objects.bulk_create(rows, batch_size=INSERT_BATCH)
            counts[model._meta.model_name] = len(rows)
        for fill in self.after_keys:
            fill()
        for model, rows in ((ReferralConsent, self.referral_consents), (ReferralTransition, self.referral_transitions),
                            (DisclosureLog, self.disclosures)):
            if rows:
                model.objects.bulk_create(rows, batch_size=INSERT_BATCH)
            counts[model._meta.model_name] = len(rows)
        events = [_path_event(pending) for pending in self.events]
        PathEvent.objects.bulk_create(events, batch_size=INSERT_BATCH)
        counts["pathevent"] = len(events)
        return counts


def _path_event(pending: PendingEvent) -> PathEvent:
    # The same columns record_path_event writes: role from the actor's profession, organisation from
    # the actor (else the client's), subject as model name + primary key.
    actor = pending.actor
    subject = pending.subject
    return PathEvent(
        client=pending.client, activity=str(pending.activity), at=pending.at, actor=actor,
        actor_role=(actor.profession or actor.role) if actor else "",
        organisation=pending.organisation or (actor.organisation if actor else None) or pending.client.organisation,
        service=pending.service,
        object_type=subject._meta.model_name if subject is not None else "",
        object_id=str(subject.pk) if subject is not None else "", attributes=pending.attributes)
