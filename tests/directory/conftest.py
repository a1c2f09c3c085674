"""Directory fixtures: the seeded directory (real facts + demo services) loaded once per test session."""

from __future__ import annotations

import pytest

from polku.directory.models import Project


@pytest.fixture(scope="session")
def _directory_loaded(django_db_setup, django_db_blocker):
    from polku.directory.loader import load_directory_facts

    with django_db_blocker.unblock():
        load_directory_facts()


@pytest.fixture
def directory(_directory_loaded, areas):
    """The seeded directory; reloaded inside the test when a transactional test has flushed it."""
    from polku.directory.loader import load_directory_facts

    if not Project.objects.exists():
        load_directory_facts()


@pytest.fixture
def coordinator(organisation):
    from tests.factories import make_user

    return make_user(role="coordinator", organisation=organisation, username="koordinaattori")
