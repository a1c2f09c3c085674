"""Demo data never enters a production database (used by the demo and seeding commands of several apps)."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import CommandError


def refuse_in_production(command: str) -> None:
    """Stop a demo command before it writes anything when the server runs the production profile.

    Why: `polku demo` creates the demo logins, which share a published password, and the seeding commands
    add fictional clients, interpreters and services that would mix with real records."""
    if getattr(settings, "PRODUCTION", False):
        raise CommandError(f"polku {command} writes demo logins or simulated data and does not run when "
                           "POLKU_ENV=production")
