from django.contrib import admin

from opiekun.core.admin import ReadOnlyAdmin
from opiekun.notifications.models import Notification, Preference

# Notifications are told by the receivers and marked read in the console or the API;
# each person chooses kinds on their settings page. The admin only shows them.


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "recipient", "kind", "ticket", "read_at", "emailed_at"]
    list_filter = ["kind"]
    search_fields = ["ticket__reference", "recipient__user__username"]
    list_select_related = ["recipient__user", "ticket"]


@admin.register(Preference)
class PreferenceAdmin(ReadOnlyAdmin):
    list_display = ["recipient", "kind", "in_app", "by_email"]
    list_filter = ["kind"]
    list_select_related = ["recipient__user"]


# The customers' side (issue 16): the vendor edits the templates here, the back office.
from opiekun.notifications import customer_admin  # noqa: E402, F401
