"""Item texts of licensed screening instruments, loaded per organisation by a licence holder.

RHS-15/RHS-13 (© Pathways to Wellness) and PROTECT may not ship with Polku: only their structure and
scoring do. An organisation that holds a licence imports the texts; they are used for its own users only.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class LicensedInstrumentText(models.Model):
    organisation = models.ForeignKey("core.Organisation", on_delete=models.PROTECT,
                                     related_name="licensed_instrument_texts")
    instrument = models.CharField(_("instrument"), max_length=16)  # engine code, e.g. "rhs-15"
    texts = models.JSONField(help_text="language -> linkId -> item text")
    source = models.CharField(_("source file"), max_length=300, blank=True)
    imported_at = models.DateTimeField(default=timezone.now)
    # Empty when the texts came in through the management command rather than a logged-in user.
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "instrument"], name="licensed_text_one_per_instrument"),
        ]
