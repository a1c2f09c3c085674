"""Who calls the facade: the API's bearer tokens (or the browser session) with FHIR scopes, as a Polku user.

The one seam to the API's authentication (`polku.api.auth.authenticate_request`); its refusals become
OperationOutcomes (401 with WWW-Authenticate, 403 for a missing scope or a failed CSRF check, 429).
"""

from __future__ import annotations

from django.http import HttpRequest

from polku.api import auth as api_auth
from polku.api.fhir.outcome import FhirError
from polku.core.models import User

READ_SCOPE = "fhir:read"
WRITE_SCOPE = "fhir:write"

_ISSUE_CODES = {401: "login", 403: "forbidden", 429: "throttled"}


def authenticate(request: HttpRequest, *, write: bool = False) -> User:
    """The acting user, holding the FHIR read (or write) scope; FhirError 401/403/429 otherwise."""
    try:
        principal = api_auth.authenticate_request(request, scopes={WRITE_SCOPE if write else READ_SCOPE})
    except api_auth.ApiAuthError as refused:
        raise FhirError(refused.status, _ISSUE_CODES.get(refused.status, "security"), refused.detail,
                        headers=refused.headers) from None
    return principal.user
