"""The token pages (mounted by the project's urls under the account pages)."""

from django.urls import path

from polku.api import views

app_name = "api_ui"

urlpatterns = [
    path("", views.token_list, name="tokens"),
    path("uusi/", views.token_create, name="token_create"),
    path("<int:token_id>/peru/", views.token_revoke, name="token_revoke"),
]
