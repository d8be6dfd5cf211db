"""The vendor's customer notification templates in the admin: edited per kind and
language, checked on save (the model's ``clean``), with the placeholders the kind takes
and a preview filled with sample values."""

from __future__ import annotations

from django.contrib import admin
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from opiekun.core.admin import ReadOnlyAdmin
from opiekun.notifications import customer_texts
from opiekun.notifications.customer_models import (
    CustomerNotice,
    CustomerPreference,
    CustomerTemplate,
)


@admin.register(CustomerTemplate)
class CustomerTemplateAdmin(admin.ModelAdmin):
    list_display = ["kind", "language", "subject", "updated_at"]
    list_filter = ["kind", "language"]
    fields = ["kind", "language", "subject", "body", "placeholders", "preview"]
    readonly_fields = ["placeholders", "preview"]

    @admin.display(description=_("placeholders"))
    def placeholders(self, obj: CustomerTemplate | None) -> SafeString | str:
        if obj is None or not obj.kind:
            return str(_("Choose the kind and save to see its placeholders."))
        return format_html(
            "<ul>{}</ul>",
            format_html_join(
                "",
                "<li><code>{{{}}}</code>: {}</li>",
                (
                    (name, str(label))
                    for name, label in customer_texts.PLACEHOLDERS[obj.kind].items()
                ),
            ),
        )

    @admin.display(description=_("preview"))
    def preview(self, obj: CustomerTemplate | None) -> SafeString | str:
        if obj is None or not obj.pk:
            return str(_("Saved templates are previewed here."))
        values = customer_texts.sample(obj.kind)
        return format_html(
            "<strong>{}</strong><pre style='white-space: pre-wrap'>{}</pre>",
            customer_texts.fill(obj.subject, values),
            customer_texts.fill(obj.body, values),
        )


@admin.register(CustomerPreference)
class CustomerPreferenceAdmin(ReadOnlyAdmin):
    list_display = ["contact", "kind", "enabled"]
    list_filter = ["kind", "enabled"]
    list_select_related = ["contact"]


@admin.register(CustomerNotice)
class CustomerNoticeAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "contact", "kind", "ticket", "sent_at", "recipient", "skipped"]
    list_filter = ["kind"]
    search_fields = ["ticket__reference", "contact__full_name", "recipient"]
    list_select_related = ["contact", "ticket"]
