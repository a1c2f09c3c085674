"""Admin: web courses and their modules are content to edit here; events, enrolments and certificates are shown
only (their changes go through the services, which keep the seats, the waiting list and the calendar straight)."""

from django.contrib import admin

from polku.trainings.models import Certificate, CourseModule, Enrolment, SelfPacedCourse, TrainingEvent


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class CourseModuleInline(admin.TabularInline):
    model = CourseModule
    extra = 0


@admin.register(SelfPacedCourse)
class SelfPacedCourseAdmin(admin.ModelAdmin):
    list_display = ("title_fi", "slug", "hours", "is_published")
    inlines = [CourseModuleInline]


@admin.register(TrainingEvent)
class TrainingEventAdmin(ReadOnlyAdmin):
    list_display = ("title_fi", "kind", "format", "area", "starts_at", "capacity", "status")
    list_filter = ("kind", "format", "status", "area")


@admin.register(Enrolment)
class EnrolmentAdmin(ReadOnlyAdmin):
    list_display = ("event", "user", "status", "queued_at", "attended")
    list_filter = ("status",)


@admin.register(Certificate)
class CertificateAdmin(ReadOnlyAdmin):
    list_display = ("code", "participant_name", "title", "completed_on", "hours")
    search_fields = ("code", "participant_name")
