"""Writing path events: called inside the transaction of the step that moves the client."""

from __future__ import annotations

from datetime import datetime

from django.db import models, transaction
from django.utils import timezone

from polku.casework.models import Client, PathEvent
from polku.core.models import Organisation, User


def record_path_event(*, client: Client, activity: str, actor: User | None, at: datetime | None = None,
                      subject: models.Model | None = None, organisation: Organisation | None = None,
                      service: str = "", attributes: dict | None = None) -> PathEvent:
    """Append one path event; must run inside the caller's transaction so step and event commit together."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("record_path_event must run inside the transaction of the step it records")
    return PathEvent.objects.create(
        client=client, activity=str(activity), at=at or timezone.now(), actor=actor,
        actor_role=(actor.profession or actor.role) if actor else "",
        organisation=organisation or (actor.organisation if actor else None) or client.organisation,
        service=service,
        object_type=subject._meta.model_name if subject is not None else "",
        object_id=str(subject.pk) if subject is not None else "",
        attributes=attributes or {},
    )
