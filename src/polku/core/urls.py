from django.contrib.auth import views as auth_views
from django.urls import include, path

from polku.core import views

urlpatterns = [
    path("", views.home, name="home"),
    path("kirjaudu/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("kirjaudu-ulos/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("hallinta/lokit/", views.access_log, name="access_log"),
    path("hallinta/lokit/hatakaytto/<int:grant_id>/tarkastettu/", views.review_break_the_glass,
         name="review_break_the_glass"),
]
