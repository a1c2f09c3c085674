"""The data controller's data-lifecycle pages, under /tietosuoja/ (data protection)."""

from django.urls import path

from polku.lifecycle import views

app_name = "lifecycle"

urlpatterns = [
    path("", views.index, name="index"),
    path("sailytys/suunnitelma/", views.plan, name="plan"),
    path("sailytys/<int:run_id>/", views.run_detail, name="run"),
    path("sailytys/<int:run_id>/toteuta/", views.apply, name="apply"),
    path("asiakas/vienti/", views.client_export, name="client_export"),
    path("asiakas/rajoitus/", views.restrict, name="restrict"),
    path("rajoitus/<int:restriction_id>/poista/", views.lift, name="lift"),
]
