"""The public Find-help page (under /apua/), outside the logged-in directory."""

from django.urls import path

from polku.directory import views_public

app_name = "findhelp"

urlpatterns = [path("", views_public.find_help, name="find_help")]
