"""OIDC login URLs under /kirjaudu/oidc/, mounted by polku.urls only when POLKU_OIDC_ISSUER is set (decision 020).

The names are mozilla-django-oidc's own, since its views reverse them.
"""

from django.contrib.auth.decorators import login_required
from django.urls import path
from django.views.decorators.cache import never_cache
from mozilla_django_oidc.views import OIDCAuthenticationRequestView, OIDCLogoutView

from polku.core import oidc

urlpatterns = [
    # Sends the browser to the provider with a fresh state, nonce and PKCE challenge kept in the session.
    path("aloita/", OIDCAuthenticationRequestView.as_view(), name="oidc_authentication_init"),
    path("paluu/", oidc.callback, name="oidc_authentication_callback"),
    # Re-authentication of a session opened through the provider: the same round trip with prompt=login and
    # max_age=0; the answer comes back to the same callback (one redirect URI registered at the provider).
    path("vahvista/", never_cache(login_required(oidc.ReauthenticationRequestView.as_view())),
         name="oidc_reauthenticate"),
    # POST only (CSRF-protected): ends the Polku session, then the provider's when it has an end-session endpoint.
    path("kirjaudu-ulos/", OIDCLogoutView.as_view(), name="oidc_logout"),
]
