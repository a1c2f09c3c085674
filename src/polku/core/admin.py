from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from polku.core.models import (
    AccessLog,
    Area,
    BreakTheGlassGrant,
    CollaborationArea,
    DisclosureLog,
    ExternalIdentity,
    Municipality,
    Organisation,
    User,
)


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    fieldsets = DjangoUserAdmin.fieldsets + (
        ("Polku", {"fields": ("organisation", "role", "profession", "coordinator_scope", "coordinator_area",
                              "preferred_language")}),
    )
    list_display = ("username", "first_name", "last_name", "role", "profession", "organisation", "is_active")
    list_filter = ("role", "profession", "is_active")


@admin.register(CollaborationArea)
class CollaborationAreaAdmin(admin.ModelAdmin):
    list_display = ("code", "name_fi", "university_hospital")


@admin.register(Area)
class AreaAdmin(admin.ModelAdmin):
    list_display = ("code", "short_name_fi", "kind", "collaboration_area")
    list_filter = ("kind", "collaboration_area")


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
    list_display = ("code", "name_fi", "name_sv", "area")
    list_filter = ("area",)
    search_fields = ("name_fi", "name_sv", "code")


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ("name", "type", "parent", "home_area")
    list_filter = ("type",)
    search_fields = ("name",)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Logs are append-only: the admin may look, never add, change or delete."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AccessLog)
class AccessLogAdmin(ReadOnlyAdmin):
    list_display = ("at", "actor_username", "client_id", "action", "basis", "object_type")
    list_filter = ("basis", "action")


@admin.register(DisclosureLog)
class DisclosureLogAdmin(ReadOnlyAdmin):
    list_display = ("at", "actor_username", "client_id", "recipient", "channel")


@admin.register(BreakTheGlassGrant)
class BreakTheGlassGrantAdmin(ReadOnlyAdmin):
    list_display = ("granted_at", "user", "client_id", "expires_at", "reviewed_at")


@admin.register(ExternalIdentity)
class ExternalIdentityAdmin(admin.ModelAdmin):
    """Bindings of users to their identity-provider account (decision 020): made only by the first OIDC login;
    an administrator may look and remove one (the next OIDC login binds again by the verified e-mail)."""

    list_display = ("user", "issuer", "subject", "created_at", "last_login_at")
    list_filter = ("issuer",)
    search_fields = ("user__username", "user__email", "subject")
    readonly_fields = ("user", "issuer", "subject", "created_at", "last_login_at")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
