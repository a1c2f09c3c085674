"""Retention periods per record type: the defaults and where they come from.

The defaults follow the Finnish rules as we read them; the data controller confirms them for their
organisation and overrides any of them with POLKU_RETENTION_YEARS (in the environment
`record_type=years,...`; in a settings module a dict), which polku.lifecycle.checks validates.

* client records (notes, meetings, screenings, plans, referrals, bookings, path events, and the client):
  12 years after the end of the client relationship — the general period for social welfare client
  documents in the annex of the Client Data Act 703/2023 and for patient documents of a living person
  whose death date is unknown is longer (STM decree 94/2022); a project's psychosocial client work is
  social welfare documentation, hence 12.
* access log, disclosure log and emergency-access grants: 12 years from the entry, the period the
  national Kanta services keep their log data; the log must cover the client documents' whole life.
* outbox messages (booking confirmations, reminders, notifications): 1 year after sending — operational
  copies whose content lives in the record they came from.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class RetentionRule:
    record_type: str
    label: object
    default_years: int
    starts: object  # when the period starts, for the people reading the plan
    action: str  # "erase" (the record and everything attached) or "delete" (single rows)
    source: str

    @property
    def years(self) -> int:
        return int(settings.POLKU_RETENTION_YEARS.get(self.record_type, self.default_years))


RULES = (
    RetentionRule("client_record", _("Client records"), 12, _("the end of the client relationship"), "erase",
                  "Client Data Act 703/2023, annex (social welfare client documents)"),
    RetentionRule("access_log", _("Access log"), 12, _("the entry"), "delete",
                  "Client Data Act 703/2023; Kanta log retention"),
    RetentionRule("disclosure_log", _("Disclosure log"), 12, _("the entry"), "delete",
                  "Client Data Act 703/2023; Kanta log retention"),
    RetentionRule("break_the_glass", _("Emergency-access grants"), 12, _("the grant"), "delete",
                  "kept as long as the access log rows they explain"),
    RetentionRule("outbox_message", _("Sent messages"), 1, _("sending"), "delete",
                  "operational copies; the content stays in the record they came from"),
)
RULES_BY_TYPE = {rule.record_type: rule for rule in RULES}
