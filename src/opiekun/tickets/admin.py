from django.contrib import admin
from django.http import HttpRequest

from opiekun.core.admin import ReadOnlyAdmin
from opiekun.tickets.models import (
    Appointment,
    Attachment,
    CannedResponse,
    ForceMajeure,
    MaintenanceRun,
    Message,
    Rating,
    ReferenceCounter,
    SavedView,
    SlaNotification,
    Tag,
    Ticket,
    WorkLog,
)


class MessageInline(admin.StackedInline):
    model = Message
    extra = 0
    fields = readonly_fields = (
        "direction",
        "channel",
        "sender",
        "subject",
        "body_text",
        "delivery",
    )
    can_delete = False


class WorkLogInline(admin.TabularInline):
    model = WorkLog
    extra = 0
    fields = readonly_fields = (
        "staff",
        "kind",
        "started_at",
        "raw_minutes",
        "billable_minutes",
        "emergency",
        "corrects",
        "correction_reason",
    )
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Ticket)
class TicketAdmin(admin.ModelAdmin):
    list_display = [
        "reference",
        "subject",
        "organisation",
        "channel",
        "severity",
        "status",
        "received_at",
        "reaction_due_at",
        "assignee",
    ]
    list_filter = ["status", "severity", "channel", "scope", "reaction_breached", "guaranteed"]
    search_fields = ["reference", "subject", "form_sign", "organisation__name"]
    date_hierarchy = "received_at"
    autocomplete_fields = ["organisation", "contact"]
    inlines = [MessageInline, WorkLogInline]
    list_select_related = ["organisation", "assignee__user"]
    # Deadlines are computed by actions from the contract; they are shown, not typed.
    readonly_fields = [
        "reference",
        "clock_starts_at",
        "reaction_due_at",
        "ack_due_at",
        "queue_due_at",
        "next_check_at",
        "paused_minutes",
        "paused_since",
        "reaction_breached",
        "ack_breached",
    ]


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    list_display = ["ticket", "direction", "channel", "sender", "delivery", "created_at"]
    list_filter = ["direction", "channel", "delivery"]
    search_fields = ["ticket__reference", "sender", "subject", "message_id"]
    list_select_related = ["ticket"]


@admin.register(Attachment)
class AttachmentAdmin(admin.ModelAdmin):
    list_display = ["filename", "ticket", "content_type", "size"]
    list_filter = ["content_type"]
    search_fields = ["filename", "ticket__reference", "sha256"]
    list_select_related = ["ticket"]


@admin.register(WorkLog)
class WorkLogAdmin(ReadOnlyAdmin):
    """Read only: an edit here once left billable minutes and the banks stale. A
    correction is a new entry (tickets.actions.correct_work, the console, the API)."""

    list_display = [
        "ticket",
        "staff",
        "kind",
        "started_at",
        "raw_minutes",
        "billable_minutes",
        "emergency",
        "corrects",
    ]
    list_filter = ["kind", "emergency", "out_of_hours"]
    search_fields = ["ticket__reference", "note"]
    date_hierarchy = "started_at"
    list_select_related = ["ticket", "staff__user"]


@admin.register(Appointment)
class AppointmentAdmin(admin.ModelAdmin):
    list_display = ["ticket", "staff", "starts_at", "ends_at", "status"]
    list_filter = ["status", "staff"]
    date_hierarchy = "starts_at"
    search_fields = ["ticket__reference"]


@admin.register(MaintenanceRun)
class MaintenanceRunAdmin(ReadOnlyAdmin):
    list_display = ["task", "contract", "period_start", "ticket"]
    list_filter = ["task"]


@admin.register(ReferenceCounter)
class ReferenceCounterAdmin(ReadOnlyAdmin):
    list_display = ["prefix", "year", "last"]


@admin.register(SlaNotification)
class SlaNotificationAdmin(ReadOnlyAdmin):
    list_display = ["ticket", "recipient", "kind", "created_at", "sent_at"]
    list_filter = ["kind"]
    search_fields = ["ticket__reference"]
    list_select_related = ["ticket", "recipient__user"]


@admin.register(Tag)
class TagAdmin(ReadOnlyAdmin):
    """Tags change through the console and the API, audited on the ticket."""

    list_display = ["name"]
    search_fields = ["name"]


@admin.register(CannedResponse)
class CannedResponseAdmin(ReadOnlyAdmin):
    """Written in the console (placeholders checked there), shown here for reference."""

    list_display = ["title", "vendor"]
    list_filter = ["vendor"]
    search_fields = ["title", "body_pl", "body_en"]


@admin.register(SavedView)
class SavedViewAdmin(ReadOnlyAdmin):
    list_display = ["name", "owner"]
    search_fields = ["name"]


@admin.register(Rating)
class RatingAdmin(ReadOnlyAdmin):
    """Given by customers (portal, e-mail link, API); a rating is theirs, never edited."""

    list_display = ["ticket", "score", "contact", "via", "created_at"]
    list_filter = ["score", "via"]
    search_fields = ["ticket__reference", "comment"]
    list_select_related = ["ticket", "contact"]


@admin.register(ForceMajeure)
class ForceMajeureAdmin(ReadOnlyAdmin):
    # Noted and withdrawn by a manager on the ticket page or through the API, audited there.
    list_display = ["ticket", "reason", "noted_at", "noted_by"]
    search_fields = ["ticket__reference", "reason"]
    list_select_related = ["ticket", "noted_by"]
