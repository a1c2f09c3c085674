from django.contrib.auth import views as auth_views
from django.urls import include, path

from polku.core import auth_views as two_factor_views
from polku.core import views

urlpatterns = [
    path("", views.home, name="home"),
    path("kirjaudu/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("kirjaudu-ulos/", auth_views.LogoutView.as_view(), name="logout"),
    path("kirjaudu/vahvista/", two_factor_views.verify, name="two_factor_verify"),
    path("kirjaudu/kayttoonotto/", two_factor_views.enroll, name="two_factor_enroll"),
    path("tili/turvallisuus/", two_factor_views.security, name="account_security"),
    path("tili/varakoodit/", two_factor_views.recovery_codes, name="two_factor_recovery_codes"),
    path("tili/vahvista-henkilollisyys/", two_factor_views.reauthenticate, name="reauthenticate"),
    path("tili/salasana/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("tili/salasana/vaihdettu/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("health/live/", views.health_live, name="health_live"),
    path("health/ready/", views.health_ready, name="health_ready"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("hallinta/lokit/", views.access_log, name="access_log"),
    path("hallinta/lokit/hatakaytto/<int:grant_id>/tarkastettu/", views.review_break_the_glass,
         name="review_break_the_glass"),
]
