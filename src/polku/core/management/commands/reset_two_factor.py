"""polku reset_two_factor USER: remove a user's authenticator and recovery codes (a lost phone)."""

from django.core.management.base import BaseCommand, CommandError

from polku.core import two_factor
from polku.core.models import User


class Command(BaseCommand):
    help = ("Remove USER's authenticator and recovery codes, so that they set up two-step verification again at "
            "the next login. Check the person's identity first: whoever does this can take over the account "
            "together with the password.")

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"no user {username!r}")
        two_factor.reset_two_factor(user=user)
        self.stdout.write(f"two-step verification reset for {username}: they set it up again at the next login")
