from django.contrib import admin
from django.http import HttpRequest

from opiekun.core.models import AuditEvent, WorkerHeartbeat


class ReadOnlyAdmin(admin.ModelAdmin):
    """For append-only records: they are read, filtered and searched, never edited."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ["at", "kind", "subject_type", "subject_id", "actor", "organisation"]
    list_filter = ["kind", "subject_type", "at"]
    search_fields = ["kind", "subject_id", "actor__username", "organisation__name"]
    date_hierarchy = "at"
    list_select_related = ["actor", "organisation"]


@admin.register(WorkerHeartbeat)
class WorkerHeartbeatAdmin(ReadOnlyAdmin):
    list_display = ["name", "seen_at"]
