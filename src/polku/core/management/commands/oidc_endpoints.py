"""polku oidc_endpoints ISSUER: print the POLKU_OIDC_* endpoint variables from the provider's discovery document.

Run once when configuring a deployment (decision 020): the server itself never fetches the discovery document,
so that starting it needs no network and a changed document cannot silently change the endpoints.
"""

import requests
from django.core.management.base import BaseCommand, CommandError

FIELDS = (("POLKU_OIDC_AUTHORIZATION_ENDPOINT", "authorization_endpoint", True),
          ("POLKU_OIDC_TOKEN_ENDPOINT", "token_endpoint", True),
          ("POLKU_OIDC_JWKS_ENDPOINT", "jwks_uri", True),
          ("POLKU_OIDC_USERINFO_ENDPOINT", "userinfo_endpoint", False),
          ("POLKU_OIDC_END_SESSION_ENDPOINT", "end_session_endpoint", False))


class Command(BaseCommand):
    help = "Read ISSUER/.well-known/openid-configuration and print the POLKU_OIDC_* endpoint variables."

    def add_arguments(self, parser):
        parser.add_argument("issuer")

    def handle(self, *args, issuer, **options):
        url = issuer.rstrip("/") + "/.well-known/openid-configuration"
        try:
            response = requests.get(url, timeout=10)
            response.raise_for_status()
            document = response.json()
        except (requests.RequestException, ValueError) as exc:
            raise CommandError(f"cannot read {url}: {exc}") from None
        if not isinstance(document, dict):
            raise CommandError(f"{url} is not a discovery document")
        # OpenID Connect Discovery 1.0, section 4.3: the document must name the issuer it was fetched for.
        if document.get("issuer") != issuer:
            raise CommandError(f"the document names issuer {document.get('issuer')!r}, not {issuer!r}")
        missing = [key for _name, key, required in FIELDS if required and not document.get(key)]
        if missing:
            raise CommandError(f"the document lacks {', '.join(missing)}")
        algorithms = document.get("id_token_signing_alg_values_supported") or []
        lines = [f"POLKU_OIDC_ISSUER={issuer}"]
        lines += [f"{name}={document[key]}" for name, key, _required in FIELDS if document.get(key)]
        if algorithms and "RS256" not in algorithms:
            lines.append(f"# RS256 is not offered; set POLKU_OIDC_SIGN_ALGO to one of {', '.join(algorithms)}")
        self.stdout.write("\n".join(lines))
