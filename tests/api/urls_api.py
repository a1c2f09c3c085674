"""Only the v1 API (mounted where the project mounts it): API tests do not depend on every other app's URLs."""

from django.urls import include, path

urlpatterns = [path("api/v1/", include("polku.api.urls"))]
