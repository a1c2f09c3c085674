"""Polku's URLs plus the framework ceilings: a bare view through the same middleware stack, for an
anonymous request and for a logged-in one (session and user read, as on every page of Polku)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.urls import include, path


def ceiling(request):
    return HttpResponse(b"ok", content_type="text/plain")


ceiling_logged_in = login_required(ceiling)


urlpatterns = [
    path("_bench/ceiling/", ceiling),
    path("_bench/ceiling-logged-in/", ceiling_logged_in),
    path("", include("polku.urls")),
]
