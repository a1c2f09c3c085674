import getpass

from django.core.management.base import BaseCommand, CommandError

from polku.core.errors import DomainError
from polku.core.roles import Profession, Role
from polku.core.selectors import get_organisation_by_name
from polku.core.services import create_user


class Command(BaseCommand):
    help = "Create a user with a role (asks for the password unless --password is given)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=[r.value for r in Role])
        parser.add_argument("--profession", default="", choices=[""] + [p.value for p in Profession])
        parser.add_argument("--organisation", default="", help="organisation name")
        parser.add_argument("--first-name", default="")
        parser.add_argument("--last-name", default="")
        parser.add_argument("--email", default="")
        parser.add_argument("--password", default=None)

    def handle(self, *args, **options):
        organisation = None
        if options["organisation"]:
            try:  # the same name under two parents is refused as ambiguous, never a guess
                organisation = get_organisation_by_name(name=options["organisation"], field="--organisation")
            except DomainError as exc:
                raise CommandError(f"{exc.field}: {exc.message}") from None
        password = options["password"] or getpass.getpass("Password: ")
        try:
            user = create_user(username=options["username"], password=password, role=options["role"],
                               profession=options["profession"], organisation=organisation,
                               first_name=options["first_name"], last_name=options["last_name"],
                               email=options["email"])
        except DomainError as exc:
            raise CommandError(f"{exc.field or 'error'}: {exc.message}") from None
        self.stdout.write(f"created {user.username} ({user.get_role_display()})")
