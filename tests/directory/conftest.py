"""Directory fixtures (the seeded directory itself is in tests/conftest.py: the API tests use it too)."""

from __future__ import annotations

import pytest


@pytest.fixture
def coordinator(organisation):
    from tests.factories import make_user

    return make_user(role="coordinator", organisation=organisation, username="koordinaattori")
