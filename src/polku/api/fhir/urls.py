"""/fhir/: metadata, /<Type> (search, create) and /<Type>/<id> (read); anything else a 404 OperationOutcome."""

from django.urls import path, re_path

from polku.api.fhir import views

app_name = "fhir"

urlpatterns = [
    path("metadata", views.metadata, name="metadata"),
    re_path(r"^(?P<resource_type>[A-Z][A-Za-z]{1,63})$", views.type_endpoint, name="type"),
    re_path(r"^(?P<resource_type>[A-Z][A-Za-z]{1,63})/(?P<ident>[A-Za-z0-9\-.]{1,64})$", views.instance_endpoint,
            name="instance"),
    re_path(r"^(?P<rest>[\s\S]*)$", views.unknown, name="unknown"),  # [\s\S]: newlines too
]
