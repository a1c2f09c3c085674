"""factory_boy factories for tests. Names are clearly fictional."""

from __future__ import annotations

import factory

from polku.core.models import Area, Organisation, OrganisationType
from polku.core.services import create_user

TEST_PASSWORD = "correct-horse-battery-staple"


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Testiorganisaatio {n}")
    type = OrganisationType.UNIT
    home_area = factory.LazyFunction(lambda: Area.objects.get(code="VS"))


def make_user(*, role: str, organisation: Organisation | None = None, username: str | None = None,
              profession: str = "", password: str = TEST_PASSWORD, **extra):
    """A user made through the real service, so the role's permission group is attached."""
    if username is None:
        make_user.counter += 1
        username = f"user{make_user.counter}"
    return create_user(username=username, password=password, role=role, organisation=organisation,
                       profession=profession, first_name=extra.pop("first_name", username.title()),
                       last_name=extra.pop("last_name", "Testinen"), **extra)


make_user.counter = 0


def make_client(*, organisation: Organisation, created_by, **fields):
    """A client row for tests of other parts (the casework services have their own tests)."""
    from polku.casework.models import Client

    defaults = {"given_names_latin": "Testi", "family_name_latin": "Asiakas", "birth_year": 1980,
                "preferred_language": "ar"}
    defaults.update(fields)
    return Client.objects.create(organisation=organisation, created_by=created_by, **defaults)


def add_to_care_team(*, client, worker, assigned_by=None, role: str = "nurse"):
    from polku.casework.models import CareTeamMembership

    return CareTeamMembership.objects.create(client=client, worker=worker, role=role,
                                             assigned_by=assigned_by or worker)
