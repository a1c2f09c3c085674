"""The project's URLs plus the token pages, until the lead mounts them in polku/urls.py."""

from django.urls import include, path

from polku.urls import urlpatterns as project_urlpatterns

urlpatterns = [*project_urlpatterns]
if not any(getattr(p, "app_name", None) == "api_ui" for p in project_urlpatterns):
    urlpatterns.append(path("tili/api-avaimet/", include("polku.api.urls_ui")))
