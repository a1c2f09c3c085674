"""Steering-group report pages (included from polku.reporting.urls under ohjausryhma/)."""

from django.urls import path  # noqa: F401

urlpatterns = []
