"""Admin: services and break rules are configuration; referrals and breaks are shown, never edited here
(their changes go through the services, which write the history and the path events)."""

from django.contrib import admin

from polku.referrals.models import BreakRule, PathBreak, Referral, ReferralService, ReferralTransition


@admin.register(ReferralService)
class ReferralServiceAdmin(admin.ModelAdmin):
    list_display = ("name_fi", "service_type", "organisation", "area", "uses_polku", "is_internal_team", "active")
    list_filter = ("service_type", "uses_polku", "active", "area")
    search_fields = ("name_fi", "name_sv", "name_en")


@admin.register(BreakRule)
class BreakRuleAdmin(admin.ModelAdmin):
    list_display = ("kind", "service_type", "days", "working_days", "active")
    list_filter = ("kind", "active")


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class TransitionInline(admin.TabularInline):
    model = ReferralTransition
    fields = ("at", "step", "from_status", "to_status", "side", "actor", "note")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Referral)
class ReferralAdmin(ReadOnlyAdmin):
    # No client names in the list: the admin is not a way around the access core.
    list_display = ("pk", "status", "target_service", "urgency", "sent_at", "client_id")
    list_filter = ("status", "direction", "urgency")
    fields = ("status", "direction", "target_service", "sending_organisation", "urgency", "created_at", "sent_at",
              "received_at", "decided_at", "appointment_at", "appointment_held_at", "closed_at", "version")
    inlines = [TransitionInline]


@admin.register(PathBreak)
class PathBreakAdmin(ReadOnlyAdmin):
    list_display = ("pk", "kind", "referral_id", "client_id", "since", "days_overdue", "resolved_on")
    list_filter = ("kind",)
