"""Writes of the data lifecycle: retention (plan → approve → apply), erasure, export, restriction.

Only the data controller (`core.act_as_data_controller`) runs these. Retention is two-step on purpose:
a plan lists what is past its period, a second person approves it, and only then is anything removed —
in one transaction per run, so an interrupted run removes nothing and can simply be applied again.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter

from django.apps import apps
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.db.models import Max
from django.forms.models import model_to_dict
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from polku.core.access import log_access, record_disclosure
from polku.core.errors import AccessDenied, DomainError
from polku.core.models import AccessAction, AccessBasis, AccessLog, BreakTheGlassGrant, DisclosureLog, User
from polku.lifecycle import graph
from polku.lifecycle.models import ProcessingRestriction, RetentionItem, RetentionRun, RunStatus
from polku.lifecycle.policy import RULES_BY_TYPE

CONTROLLER_PERMISSION = "core.act_as_data_controller"


def _require_controller(actor: User | None) -> None:
    if actor is not None and not actor.has_perm(CONTROLLER_PERMISSION):
        raise AccessDenied("not_data_controller", _("Only the data controller can do this."))


def _cutoff(record_type: str, today: dt.date) -> dt.date:
    years = RULES_BY_TYPE[record_type].years
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February
        return today.replace(year=today.year - years, day=28)


def _aware(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def clients_past_retention(*, today: dt.date) -> list[tuple[int, dt.date]]:
    """(client id, last activity) of clients whose relationship ended before the client-record cutoff.

    The relationship has ended when no care-team membership is open; its end is the latest of the last
    path event, the last membership end and the registration."""
    Client = apps.get_model("casework", "Client")
    cutoff = _aware(_cutoff("client_record", today))
    rows = (Client.objects.exclude(care_memberships__ended_at__isnull=True)
            .annotate(last_event=Max("path_events__at"), last_membership=Max("care_memberships__ended_at"))
            .values_list("pk", "last_event", "last_membership", "created_at"))
    due = []
    for pk, last_event, last_membership, created in rows:
        last = max(moment for moment in (last_event, last_membership, created) if moment is not None)
        if last < cutoff:
            due.append((pk, last.date()))
    return due


def plan_retention(*, actor: User | None, today: dt.date | None = None) -> RetentionRun:
    """List what is past its retention period; nothing is removed until the plan is approved and applied."""
    _require_controller(actor)
    today = today or timezone.localdate()
    with transaction.atomic():
        run = RetentionRun.objects.create(planned_by=actor)
        items = [RetentionItem(run=run, record_type="client_record", object_id=pk, rows=1,
                               due_since=last + (today - _cutoff("client_record", today)))
                 for pk, last in clients_past_retention(today=today)]
        for record_type, queryset, moment in (
                ("access_log", AccessLog.objects, "at"), ("disclosure_log", DisclosureLog.objects, "at"),
                ("break_the_glass", BreakTheGlassGrant.objects, "granted_at"),
                ("outbox_message", apps.get_model("interpreting", "OutboxMessage").objects, "sent_at")):
            until = _aware(_cutoff(record_type, today))
            count = queryset.filter(**{f"{moment}__lt": until}).count()
            if count:
                items.append(RetentionItem(run=run, record_type=record_type, rows=count, until=until,
                                           due_since=_cutoff(record_type, today)))
        RetentionItem.objects.bulk_create(items)
    return run


def decide_retention(*, actor: User, run: RetentionRun, approve: bool, note: str = "") -> RetentionRun:
    """Approve or reject a plan; the person who planned it cannot approve it (four eyes)."""
    _require_controller(actor)
    with transaction.atomic():
        run = RetentionRun.objects.select_for_update().get(pk=run.pk)
        if run.status != RunStatus.PLANNED:
            raise DomainError("already_decided", _("This retention run has already been decided."))
        if approve and run.planned_by_id == actor.pk:
            raise DomainError("four_eyes", _("Someone other than the person who made the plan must approve it."))
        if not approve and not (note or "").strip():
            raise DomainError("note_required", _("Say why the plan is rejected."), field="note")
        run.status = RunStatus.APPROVED if approve else RunStatus.REJECTED
        run.decided_by, run.decided_at, run.decision_note = actor, timezone.now(), (note or "").strip()
        run.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    return run


def _allow_purge() -> None:
    """On PostgreSQL the logs and histories refuse DELETE unless this transaction is a retention purge."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL polku.retention_purge = 'on'")


def apply_retention(*, actor: User | None, run: RetentionRun) -> RetentionRun:
    """Remove what an approved plan lists, all in one transaction; an applied run cannot be applied twice."""
    _require_controller(actor)
    with transaction.atomic():
        run = RetentionRun.objects.select_for_update().get(pk=run.pk)
        if run.status != RunStatus.APPROVED:
            raise DomainError("not_approved", _("Only an approved retention run can be applied."))
        _allow_purge()
        removed: Counter = Counter()
        Client = apps.get_model("casework", "Client")
        for item in run.items.all():
            if item.record_type == "client_record":
                client = Client.objects.filter(pk=item.object_id).first()
                if client is not None:  # already gone (an earlier run or a merge): nothing to do
                    removed.update(graph.erase(client))
                continue
            model, moment = {"access_log": (AccessLog, "at"), "disclosure_log": (DisclosureLog, "at"),
                             "break_the_glass": (BreakTheGlassGrant, "granted_at"),
                             "outbox_message": (apps.get_model("interpreting", "OutboxMessage"), "sent_at")
                             }[item.record_type]
            count, _by_model = model.objects.filter(**{f"{moment}__lt": item.until}).delete()
            removed[model._meta.label] += count
        run.status, run.applied_at, run.result = RunStatus.APPLIED, timezone.now(), dict(removed)
        run.save(update_fields=["status", "applied_at", "result"])
    return run


# --- The client's own data ------------------------------------------------------------------------------

def _row(obj) -> dict:
    data = model_to_dict(obj)
    data["id"] = obj.pk
    for field in obj._meta.concrete_fields:
        if field.attname not in data and field.name not in data:
            data[field.name] = getattr(obj, field.attname)
    return {key: value for key, value in data.items() if not hasattr(value, "read")}  # files as names only


def export_client_data(*, actor: User, client_id: int, reason: str) -> str:
    """GDPR art. 15/20: everything Polku holds about the client, as JSON, plus who has read it.

    Logged as an export in the access log and as a disclosure to the client."""
    _require_controller(actor)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("reason_required", _("State the request this export answers."), field="reason")
    Client = apps.get_model("casework", "Client")
    client = Client.objects.filter(pk=client_id).first()
    if client is None:
        raise DomainError("no_such_client", _("No client has this number."), field="client")
    records: dict[str, list[dict]] = {}
    for row in graph.walk(client):
        records.setdefault(row._meta.label, []).append(_row(row))
    log_access(actor=actor, client_ids=[client_id], action=AccessAction.EXPORT, basis=AccessBasis.ADMINISTRATIVE,
               reason=reason, object_type="gdpr_export")
    access = [_row(entry) for entry in AccessLog.objects.filter(client_id=client_id).order_by("at", "id")]
    disclosures = [_row(entry) for entry in DisclosureLog.objects.filter(client_id=client_id).order_by("at", "id")]
    rows = sum(len(found) for found in records.values())
    record_disclosure(actor=actor, recipient=_("the client (data subject)"), purpose=reason,
                      content=ngettext("all records of the client (%(count)d row) and their access log",
                                       "all records of the client (%(count)d rows) and their access log", rows)
                      % {"count": rows},
                      channel="export", client_id=client_id, legal_basis="GDPR art. 15 and 20")
    document = {"format": "polku-client-export", "version": 1, "exported_at": timezone.now(),
                "client_id": client_id, "records": records, "access_log": access, "disclosures": disclosures}
    return json.dumps(document, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2, sort_keys=True)


def restrict_processing(*, actor: User, client_id: int, reason: str) -> ProcessingRestriction:
    _require_controller(actor)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("reason_required", _("State why processing is restricted."), field="reason")
    if not apps.get_model("casework", "Client").objects.filter(pk=client_id).exists():
        raise DomainError("no_such_client", _("No client has this number."), field="client")
    with transaction.atomic():
        if ProcessingRestriction.objects.select_for_update().filter(client_id=client_id,
                                                                    lifted_at__isnull=True).exists():
            raise DomainError("already_restricted", _("Processing of this client's data is already restricted."))
        restriction = ProcessingRestriction.objects.create(client_id=client_id, reason=reason, restricted_by=actor)
        log_access(actor=actor, client_ids=[client_id], action=AccessAction.WRITE, basis=AccessBasis.ADMINISTRATIVE,
                   reason=reason, object_type="processing_restriction", object_id=str(restriction.pk))
    return restriction


def lift_restriction(*, actor: User, restriction: ProcessingRestriction, note: str) -> ProcessingRestriction:
    _require_controller(actor)
    with transaction.atomic():
        restriction = ProcessingRestriction.objects.select_for_update().get(pk=restriction.pk)
        if restriction.lifted_at is not None:
            raise DomainError("already_lifted", _("This restriction has already been lifted."))
        restriction.lifted_by, restriction.lifted_at = actor, timezone.now()
        restriction.lift_note = (note or "").strip()
        restriction.save(update_fields=["lifted_by", "lifted_at", "lift_note"])
        log_access(actor=actor, client_ids=[restriction.client_id], action=AccessAction.WRITE,
                   basis=AccessBasis.ADMINISTRATIVE, reason=restriction.lift_note,
                   object_type="processing_restriction", object_id=str(restriction.pk))
    return restriction
