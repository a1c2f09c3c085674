"""The HSDS 3.0 API, mounted at /api/hsds/ (paths as in the specification's openapi.json)."""

from django.urls import path

from polku.api.hsds import views

urlpatterns = [
    path("", views.root, name="hsds-root"),
    path("openapi.json", views.openapi, name="hsds-openapi"),
    path("services", views.services, name="hsds-services"),
    path("services/<str:id>", views.service, name="hsds-service"),
    path("organizations", views.organizations, name="hsds-organizations"),
    path("organizations/<str:id>", views.organization, name="hsds-organization"),
    path("service_at_locations", views.service_at_locations, name="hsds-service-at-locations"),
    path("service_at_locations/<str:id>", views.service_at_location, name="hsds-service-at-location"),
    path("taxonomies", views.taxonomies, name="hsds-taxonomies"),
    path("taxonomies/<str:id>", views.taxonomy, name="hsds-taxonomy"),
    path("taxonomy_terms", views.taxonomy_terms, name="hsds-taxonomy-terms"),
    path("taxonomy_terms/<str:id>", views.taxonomy_term, name="hsds-taxonomy-term"),
]
