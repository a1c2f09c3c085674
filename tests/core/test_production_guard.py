"""The demo and seeding commands refuse the production profile before they write anything: `polku demo`
would create logins that share a published password."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

from polku.casework.models import Client
from polku.core.models import Organisation, User
from polku.interpreting.models import Interpreter
from polku.referrals.models import ReferralService

COMMANDS = [
    ("demo", ["--no-serve"]),
    ("simulate", ["--clients", "3", "--no-progress"]),
    ("load_demo_referral_services", []),
    ("seed_interpreting", ["--organisation", "x", "--user", "y"]),
]


def _counts():
    return (User.objects.count(), Organisation.objects.count(), Client.objects.count(),
            Interpreter.objects.count(), ReferralService.objects.count())


@pytest.mark.django_db
@pytest.mark.parametrize(("command", "args"), COMMANDS)
def test_a_demo_command_refuses_production_and_writes_nothing(command, args):
    before = _counts()
    with override_settings(PRODUCTION=True), pytest.raises(CommandError, match="POLKU_ENV=production"):
        call_command(command, *args)
    assert _counts() == before


@pytest.mark.django_db
def test_outside_production_the_seeding_commands_still_run():
    call_command("load_demo_referral_services", stdout=StringIO())
    assert ReferralService.objects.exists()
