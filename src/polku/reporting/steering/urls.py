"""Steering-group report pages (included from polku.reporting.urls under ohjausryhma/)."""

from django.urls import path

from polku.reporting.steering import views

app_name = "steering"
urlpatterns = [
    path("", views.report, name="report"),
    path("pdf/", views.report_pdf, name="pdf"),
    path("xlsx/", views.report_xlsx, name="xlsx"),
    path("solu/", views.drill, name="drill"),
]
