"""OAuth2 client-credentials grant (RFC 6749 §4.4): another system trades its client id and secret for a bearer token.

Errors are problem details that also carry RFC 6749's `error` and `error_description` members, so that both
OAuth libraries and Polku's own clients read them.
"""

from __future__ import annotations

import base64
import binascii

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Form, Router, Schema

from polku.api.common import error_responses, json_response
from polku.api.problems import problem
from polku.api.services import OAuthError, issue_client_token

router = Router(tags=["oauth"])


class TokenRequest(Schema):
    grant_type: str
    scope: str = ""
    client_id: str = ""
    client_secret: str = ""


class TokenOut(Schema):
    access_token: str
    token_type: str
    expires_in: int
    scope: str


def _basic_credentials(request: HttpRequest) -> tuple[str, str] | None:
    scheme, _sep, value = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        client_id, _sep, secret = base64.b64decode(value.strip(), validate=True).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return None
    return client_id, secret


def _oauth_problem(request: HttpRequest, error: OAuthError) -> HttpResponse:
    response = problem(request, error.status, code=error.error, detail=error.description,
                       headers={"Cache-Control": "no-store"}, extra={"error": error.error,
                                                                     "error_description": str(error.description)})
    if error.status == 401:
        response["WWW-Authenticate"] = 'Basic realm="polku"'
    return response


@router.post("/token", response={200: TokenOut, **error_responses(400, 401, 413, 422, 429)}, auth=None,
             summary="Client-credentials token")
def token(request: HttpRequest, form: Form[TokenRequest]):
    """Form-encoded `grant_type=client_credentials`, `scope` (space-separated, optional), and the client's id and
    secret either as HTTP Basic or as `client_id`/`client_secret` fields."""
    if form.grant_type != "client_credentials":
        return _oauth_problem(request, OAuthError("unsupported_grant_type",
                                                  "Only grant_type=client_credentials is supported."))
    client_id, secret = _basic_credentials(request) or (form.client_id, form.client_secret)
    try:
        issued = issue_client_token(client_id=client_id, client_secret=secret, scope=form.scope)
    except OAuthError as error:
        return _oauth_problem(request, error)
    expires_in = int((issued.token.expires_at - timezone.now()).total_seconds())
    response = json_response({"access_token": issued.secret, "token_type": "Bearer", "expires_in": expires_in,
                              "scope": " ".join(issued.token.scopes)}, 200)
    response["Cache-Control"] = "no-store"
    return response
