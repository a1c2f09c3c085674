"""polku api_client create|list|revoke: OAuth2 client-credentials clients, managed by a user administrator."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from polku.api.auth import ALL_SCOPES
from polku.api.models import ApiClient
from polku.api.services import create_api_client, revoke_api_client
from polku.core.errors import DomainError
from polku.core.models import Organisation, User
from polku.core.roles import Role


class Command(BaseCommand):
    help = "Create, list or revoke OAuth2 client-credentials clients. The secret is shown once."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="Create a client; prints client_id and the secret once.")
        create.add_argument("--by", required=True, help="Username of the administrator (needs manage_users).")
        create.add_argument("--name", required=True)
        create.add_argument("--organisation", required=True, type=int, help="Organisation id.")
        create.add_argument("--role", required=True, choices=Role.values, help="The service user's role.")
        create.add_argument("--scopes", required=True, help=f"Space- or comma-separated, of: {' '.join(ALL_SCOPES)}")
        create.add_argument("--lifetime", type=int, default=3600, help="Token lifetime in seconds.")
        sub.add_parser("list", help="List clients.")
        revoke = sub.add_parser("revoke", help="Revoke a client and all its tokens.")
        revoke.add_argument("client_id")
        revoke.add_argument("--by", required=True)

    def _admin(self, username: str) -> User:
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"no active user {username!r}")
        return user

    def handle(self, *args, action: str, **options):
        try:
            if action == "create":
                organisation = Organisation.objects.filter(pk=options["organisation"]).first()
                if organisation is None:
                    raise CommandError(f"no organisation {options['organisation']}")
                created = create_api_client(actor=self._admin(options["by"]), name=options["name"],
                                            organisation=organisation, role=options["role"],
                                            scopes=options["scopes"].replace(",", " ").split(),
                                            token_lifetime_seconds=options["lifetime"])
                self.stdout.write(f"client_id: {created.client.client_id}\nclient_secret: {created.secret}\n"
                                  "(the secret is not stored and will not be shown again)")
            elif action == "list":
                for client in ApiClient.objects.select_related("organisation"):
                    state = "revoked" if client.revoked_at else "active"
                    self.stdout.write(f"{client.client_id}\t{state}\t{client.organisation}\t{client.name}\t"
                                      f"{' '.join(client.scopes)}")
            else:
                client = ApiClient.objects.filter(client_id=options["client_id"]).first()
                if client is None:
                    raise CommandError(f"no client {options['client_id']!r}")
                revoke_api_client(actor=self._admin(options["by"]), client=client)
                self.stdout.write(f"revoked {client.client_id}")
        except DomainError as error:
            raise CommandError(str(error.message)) from error
