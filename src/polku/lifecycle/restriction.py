"""The write guard the access core consults: no changes while processing is restricted (GDPR art. 18)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from polku.core.errors import DomainError


def refuse_changes_while_restricted(client_id: int) -> None:
    from polku.lifecycle.models import ProcessingRestriction

    if ProcessingRestriction.objects.filter(client_id=client_id, lifted_at__isnull=True).exists():
        raise DomainError("processing_restricted",
                          _("Processing of this client's data is restricted: the data is kept but cannot be "
                            "changed until the data controller lifts the restriction."))
