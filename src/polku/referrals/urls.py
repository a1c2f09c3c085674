"""Referral URLs, under /lahetteet/ (the view module owns its patterns)."""

from polku.referrals.views import urlpatterns  # noqa: F401 -- Django reads it from this module

app_name = "referrals"
