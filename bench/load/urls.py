"""Polku's URLs plus the framework ceiling: a bare view through the same middleware stack."""

from django.http import HttpResponse
from django.urls import include, path


def ceiling(request):
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [
    path("_bench/ceiling/", ceiling),
    path("", include("polku.urls")),
]
