"""Admin: report schedules are configuration (a recipient who lacks the aggregate-report right is skipped at run
time); extracts and delivered reports are shown, never edited here, and the pseudonym key is never shown."""

from django.contrib import admin

from polku.reporting.models import ExtractDownload, GeneratedReport, ReportSchedule, ResearchExtract


@admin.register(ReportSchedule)
class ReportScheduleAdmin(admin.ModelAdmin):
    list_display = ("kind", "organisation", "day_of_month", "language", "file_format", "active", "last_period_start")
    list_filter = ("kind", "active")
    filter_horizontal = ("recipients",)
    readonly_fields = ("last_run_at", "last_period_start")


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ResearchExtract)
class ResearchExtractAdmin(ReadOnlyAdmin):
    list_display = ("pk", "requested_by", "organisation", "status", "period_start", "period_end", "k_achieved")
    list_filter = ("status",)
    exclude = ("pseudonym_key",)


@admin.register(ExtractDownload)
class ExtractDownloadAdmin(ReadOnlyAdmin):
    list_display = ("extract", "user", "file_format", "at")


@admin.register(GeneratedReport)
class GeneratedReportAdmin(ReadOnlyAdmin):
    list_display = ("schedule", "period_start", "period_end", "file_name", "created_at")
