"""The password backend's per-request shortcuts: permissions in one query, the organisation with the user.

Django's own ModelBackend is the oracle for the permissions: same users, same answer."""

import pytest
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext

from polku.core.backends import ModelBackendWithOrganisation
from polku.core.models import User
from polku.core.roles import Role
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def _fresh(user: User) -> User:
    """The user as a new request loads it: no permission cache from earlier checks."""
    return User.objects.get(pk=user.pk)


@pytest.fixture
def users(organisation):
    clinical = {Role.PROFESSIONAL, Role.TEAM_LEAD}
    people = [make_user(role=role, organisation=organisation, profession="nurse" if role in clinical else "")
              for role in Role]
    extra = make_user(role=Role.STEERING_GROUP, organisation=organisation)
    extra.user_permissions.add(Permission.objects.get(codename="review_access_log"))  # a direct grant too
    inactive = make_user(role=Role.PROFESSIONAL, profession="nurse", organisation=organisation)
    User.objects.filter(pk=inactive.pk).update(is_active=False)
    superuser = make_user(role=Role.ADMINISTRATOR, organisation=organisation)
    User.objects.filter(pk=superuser.pk).update(is_superuser=True)
    return [*people, extra, inactive, superuser]


def test_every_kind_of_user_gets_the_same_permissions_as_from_djangos_backend(users):
    ours, djangos = ModelBackendWithOrganisation(), ModelBackend()
    for user in users:
        expected = djangos.get_all_permissions(_fresh(user))
        assert ours.get_all_permissions(_fresh(user)) == expected, user.username
    by_name = {user.username: user for user in users}
    professional = by_name[users[0].username]
    assert "core.work_with_clients" in ours.get_all_permissions(_fresh(professional))
    assert "core.review_access_log" in ours.get_all_permissions(_fresh(users[-3]))  # the direct grant
    assert ours.get_all_permissions(_fresh(users[-2])) == set()  # inactive
    assert len(ours.get_all_permissions(_fresh(users[-1]))) == Permission.objects.count()  # superuser


def test_a_request_checks_its_permissions_with_one_query_and_then_from_the_cache(nurse):
    user = _fresh(nurse)
    with CaptureQueriesContext(connection) as first:
        assert user.has_perm("core.work_with_clients")
    with CaptureQueriesContext(connection) as later:
        assert user.has_perm("core.break_the_glass")
        assert not user.has_perm("core.manage_users")
    assert (len(first.captured_queries), len(later.captured_queries)) == (1, 0)
