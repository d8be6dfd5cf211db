from django.contrib import admin

from opiekun.core.admin import ReadOnlyAdmin
from opiekun.invoicing.models import Invoice, KsefSubmission


@admin.register(Invoice)
class InvoiceAdmin(ReadOnlyAdmin):
    list_display = ["number", "kind", "buyer_name", "issue_date", "gross", "currency"]
    list_filter = ["kind"]
    search_fields = ["number", "buyer_name", "buyer_tax_id", "statement__number"]
    list_select_related = ["statement"]


@admin.register(KsefSubmission)
class KsefSubmissionAdmin(ReadOnlyAdmin):
    list_display = ["invoice", "state", "ksef_number", "attempts", "accepted_at"]
    list_filter = ["state"]
    search_fields = ["invoice__number", "ksef_number"]
    list_select_related = ["invoice"]
