from django.contrib import admin

from opiekun.staff.models import OnCallShift, StaffMember


@admin.register(StaffMember)
class StaffMemberAdmin(admin.ModelAdmin):
    list_display = [
        "__str__",
        "is_agent",
        "is_account_manager",
        "is_on_call",
        "is_manager",
        "is_active",
    ]
    list_filter = ["is_agent", "is_account_manager", "is_on_call", "is_manager", "is_active"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "user__email"]
    autocomplete_fields = ["user"]
    list_select_related = ["user"]


@admin.register(OnCallShift)
class OnCallShiftAdmin(admin.ModelAdmin):
    list_display = ["staff", "starts_at", "ends_at", "note"]
    list_filter = ["staff"]
    date_hierarchy = "starts_at"
    search_fields = ["staff__user__username", "staff__user__last_name", "note"]
    list_select_related = ["staff__user"]
