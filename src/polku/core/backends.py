"""The password backend: Django's ModelBackend, with the user's organisation loaded in the same query and
the user's permissions read in one query instead of two."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission


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

    def get_all_permissions(self, user_obj, obj=None):
        """The user's own and their groups' (roles') permissions in one UNION query, cached on the user for
        the request as ModelBackend caches them; ModelBackend asks the two halves separately, so every page
        that checks a permission paid a second round trip."""
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            fields = ("content_type__app_label", "codename")
            if user_obj.is_superuser:
                rows = Permission.objects.values_list(*fields)
            else:  # no ordering in the halves: SQLite refuses ORDER BY inside a compound query
                rows = Permission.objects.filter(user=user_obj).order_by().values_list(*fields).union(
                    Permission.objects.filter(group__user=user_obj).order_by().values_list(*fields))
            user_obj._perm_cache = {f"{app_label}.{codename}" for app_label, codename in rows}
        return user_obj._perm_cache
