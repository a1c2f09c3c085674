"""A SHA-256 digest of the simulated tables that ignores what may differ between equal runs.

Each row is serialised without its primary key, with every foreign key replaced by the referenced
row's own content digest (or its natural key: user name, area or municipality code), datetimes in UTC
and JSON with sorted keys. Row digests are sorted per table, so insertion order and the database's
id sequences do not matter; password hashes, last logins and join dates (set by the clock when users
are created) and organisations' creation times are left out.
"""

from __future__ import annotations

import hashlib
import json
import re
from datetime import UTC, date, datetime
from typing import Any

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
    Team,
    TeamMember,
    WorkTime,
)
from polku.core.models import DisclosureLog, Organisation, User
from polku.referrals.models import Referral, ReferralConsent, ReferralService, ReferralTransition

# Parents before children, so a child's foreign keys can be replaced by its parents' digests.
TABLES: tuple[type[models.Model], ...] = (
    Organisation, User, ReferralService, Team, TeamMember, Client, ClientLanguage, ClientLegalStatus,
    CareTeamMembership, Meeting, MeetingParticipant, WorkTime, Note, ScreeningResponse, ServicePlan, PlanGoal,
    PlanAction, Referral, ReferralConsent, ReferralTransition, DisclosureLog, PathEvent,
)
EXCLUDED: dict[type[models.Model], frozenset[str]] = {
    User: frozenset({"password", "last_login", "date_joined"}),
    Organisation: frozenset({"created_at"}),
    ReferralService: frozenset({"created_at"}),  # set by the clock when the demo services are loaded
}
# Ids inside JSON attributes (referral steps and their path events) that point at digested rows.
ATTRIBUTE_KEYS: dict[str, type[models.Model]] = {"referral_id": Referral, "service_id": ReferralService}
DISCLOSED_REFERRAL = re.compile(r"^referral (\d+):")
NATURAL_KEYS = ("code", "username")


def database_digest() -> str:
    """SHA-256 over a canonical dump of the client-work tables; equal for equal content, whatever the ids."""
    keys: dict[type[models.Model], dict[Any, str]] = {}
    natural: dict[type[models.Model], dict[Any, Any]] = {}
    by_model_name = {model._meta.model_name: model for model in TABLES}
    usernames = dict(User.objects.values_list("pk", "username"))
    total = hashlib.sha256()
    for model in TABLES:
        fields = [f for f in model._meta.concrete_fields
                  if not f.primary_key and f.name not in EXCLUDED.get(model, frozenset())]
        row_digests: list[bytes] = []
        own: dict[Any, str] = {}
        rows = model.objects.order_by().values_list("pk", *[f.attname for f in fields])
        for pk, *values in rows.iterator(chunk_size=2000):
            if model in (PathEvent, ReferralTransition):
                values = [_attribute_ids(_worker_ids_to_names(v, usernames), keys) if f.name == "attributes" else v
                          for f, v in zip(fields, values, strict=True)]
            record = {f.name: _value(model, f, value, keys, natural) for f, value in zip(fields, values, strict=True)}
            if model is DisclosureLog:
                _disclosure_keys(record, keys)
            if model is PathEvent and record["object_id"]:
                subject = by_model_name.get(record["object_type"])
                if subject in keys:
                    record["object_id"] = keys[subject].get(int(record["object_id"]), "missing")
            digest = hashlib.sha256(json.dumps(record, sort_keys=True, ensure_ascii=False).encode()).digest()
            row_digests.append(digest)
            own[pk] = digest.hex()
        keys[model] = own
        row_digests.sort()
        total.update(f"{model._meta.label}:{len(row_digests)}\n".encode())
        for digest in row_digests:
            total.update(digest)
    return total.hexdigest()


def _value(model, field, value, keys, natural) -> Any:
    if value is None:
        return None
    if field.is_relation:
        target = field.related_model
        if target is model:
            return "self"  # the simulator sets no self-references (merges, corrections)
        if target in keys:
            return keys[target].get(value, "missing")
        return _natural_key(target, value, natural)
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (dict, list)):
        return json.dumps(value, sort_keys=True, ensure_ascii=False)
    return value


def _worker_ids_to_names(value: Any, usernames: dict[int, str]) -> Any:
    # Path-event attributes name workers by id (e.g. the care team of CARE_TEAM_ASSIGNED); ids may differ.
    if isinstance(value, dict):
        return {key: usernames.get(item, "?") if key == "worker_id" else
                [usernames.get(i, "?") for i in item] if key in ("added", "ended") and isinstance(item, list) else
                _worker_ids_to_names(item, usernames) for key, item in value.items()}
    if isinstance(value, list):
        return [_worker_ids_to_names(item, usernames) for item in value]
    return value


def _attribute_ids(value: Any, keys) -> Any:
    # Referral events name the referral and the service by id; ids may differ between equal runs.
    if not isinstance(value, dict):
        return value
    return {key: keys.get(ATTRIBUTE_KEYS[key], {}).get(item, "missing") if key in ATTRIBUTE_KEYS and item is not None
            else item for key, item in value.items()}


def _disclosure_keys(record: dict, keys) -> None:
    # A disclosure log names its client by a bare id and a referral inside its text.
    if record["client_id"] is not None:
        record["client_id"] = keys[Client].get(record["client_id"], "missing")
    match = DISCLOSED_REFERRAL.match(record["content"] or "")
    if match:
        referral = keys[Referral].get(int(match.group(1)), "missing")
        record["content"] = f"referral {referral}:{record['content'][match.end():]}"


def _natural_key(target, value, natural) -> Any:
    if target not in natural:
        name = next((n for n in NATURAL_KEYS if any(f.name == n for f in target._meta.fields)), None)
        natural[target] = dict(target.objects.values_list("pk", name)) if name else {}
    return natural[target].get(value, f"{target._meta.label}?")
