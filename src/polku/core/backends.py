"""The password backend: Django's ModelBackend, with the user's organisation loaded in the same query."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


class ModelBackendWithOrganisation(ModelBackend):
    """Every access-log row names the actor's organisation and most pages use it; loading it with the user
    on each request saves a query on every page (the user itself is loaded per request anyway)."""

    def get_user(self, user_id):
        model = get_user_model()
        try:
            user = model._default_manager.select_related("organisation").get(pk=user_id)
        except model.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
