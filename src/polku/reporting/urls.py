from django.urls import include, path

app_name = "reporting"
urlpatterns = [
    path("ohjausryhma/", include("polku.reporting.steering.urls")),
]
