"""Shared fixtures: the real reference areas in every test database, and users per role."""

from __future__ import annotations

import pytest

from polku.core.models import Municipality


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load the real areas and municipalities once into the test database."""
    from polku.core.services import load_areas

    with django_db_blocker.unblock():
        load_areas()


@pytest.fixture
def areas(db):
    """The real areas; reloaded when a transactional test has flushed them."""
    from polku.core.services import load_areas

    if not Municipality.objects.exists():
        load_areas()


@pytest.fixture
def organisation(areas):
    from tests.factories import OrganisationFactory

    return OrganisationFactory()


@pytest.fixture
def nurse(organisation):
    from tests.factories import make_user

    return make_user(role="professional", profession="nurse", organisation=organisation, username="nurse")


@pytest.fixture
def counsellor(organisation):
    from tests.factories import make_user

    return make_user(role="professional", profession="social_counsellor", organisation=organisation,
                     username="counsellor")


@pytest.fixture
def outsider(organisation):
    from tests.factories import make_user

    return make_user(role="professional", profession="psychologist", organisation=organisation,
                     username="outsider")


@pytest.fixture
def team_lead(organisation):
    from tests.factories import make_user

    return make_user(role="team_lead", profession="nurse", organisation=organisation, username="lead")


@pytest.fixture
def data_controller(organisation):
    from tests.factories import make_user

    return make_user(role="administrator", organisation=organisation, username="controller")


@pytest.fixture(scope="session")
def _directory_loaded(django_db_setup, django_db_blocker):
    from polku.directory.loader import load_directory_facts

    with django_db_blocker.unblock():
        load_directory_facts()


@pytest.fixture
def directory(_directory_loaded, areas):
    """The seeded directory (real facts + demo services, loaded once per session); reloaded inside the test
    when a transactional test has flushed it."""
    from polku.directory.loader import load_directory_facts
    from polku.directory.models import Project

    if not Project.objects.exists():
        load_directory_facts()
