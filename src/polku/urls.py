from django.conf import settings
from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("polku.core.urls")),
    path("asiakastyo/", include("polku.casework.urls")),
    path("lahetteet/", include("polku.referrals.urls")),
    path("tulkkaus/", include("polku.interpreting.urls")),
    path("hakemisto/", include("polku.directory.urls")),
    path("apua/", include("polku.directory.urls_public")),
    path("konsultaatio/", include("polku.network.urls")),
    path("koulutukset/", include("polku.trainings.urls")),
    path("raportit/", include("polku.reporting.urls")),
    path("tietosuoja/", include("polku.lifecycle.urls")),
    path("tili/api-avaimet/", include("polku.api.urls_ui")),
    path("api/v1/", include("polku.api.urls")),
    path("api/hsds/", include("polku.api.hsds.urls")),
    path("fhir/", include("polku.api.fhir.urls")),
    path("django-admin/", admin.site.urls),
]

# --- OIDC login (decision 020): mounted only when the deployment configures an identity provider ---------
if settings.POLKU_OIDC_ENABLED:
    urlpatterns.append(path("kirjaudu/oidc/", include("polku.core.oidc_urls")))
# --- end of OIDC login ---
