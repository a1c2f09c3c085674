"""Directory URLs (under /hakemisto/)."""

from django.urls import path

from polku.directory import views

app_name = "directory"

urlpatterns = [
    path("", views.search_page, name="search"),
    path("palvelut/<uuid:uuid>/", views.service_detail, name="service"),
    path("hankkeet/<uuid:uuid>/", views.entry_detail, {"kind": "project"}, name="project"),
    path("koulutukset/<uuid:uuid>/", views.entry_detail, {"kind": "training"}, name="training"),
    path("julkaisut/<uuid:uuid>/", views.entry_detail, {"kind": "publication"}, name="publication"),
    path("asiantuntijat/<uuid:uuid>/", views.entry_detail, {"kind": "expert"}, name="expert"),
    path("organisaatiot/<int:pk>/", views.organisation_detail, name="organisation"),
    path("tarkistettavat/", views.stale_list, name="stale"),
    path("<slug:kind>/<uuid:uuid>/muokkaa/", views.edit_entry, name="edit"),
    path("<slug:kind>/<uuid:uuid>/tarkistettu/", views.verify, name="verify"),
]
