"""System checks of the lifecycle settings (run by every `polku` command and by `polku check`)."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Error, register

from polku.lifecycle.policy import RULES_BY_TYPE


@register()
def retention_overrides_name_known_record_types(app_configs, **kwargs):
    """A retention override for a record type Polku does not have is refused.

    Why an error and not a warning: a misspelt name (client_records) would leave the default period in force
    while the data controller believes it changed; the retention commands run the checks and stop."""
    unknown = sorted(set(settings.POLKU_RETENTION_YEARS) - set(RULES_BY_TYPE))
    if not unknown:
        return []
    return [Error(
        f"POLKU_RETENTION_YEARS names record types Polku does not have: {', '.join(unknown)}.",
        hint=f"Known record types: {', '.join(RULES_BY_TYPE)}.",
        id="polku.E001")]
