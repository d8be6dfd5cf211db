from django.contrib import admin
from django.http import HttpRequest

from opiekun.contracts.models import (
    Contract,
    ContractAddOn,
    HourBank,
    HourRequest,
    LedgerEntry,
    LicenceEvent,
    PenaltyTerms,
    QuoteRequest,
    Statement,
    StatementApproval,
    StatementLine,
    TopUpOffer,
)
from opiekun.core.admin import ReadOnlyAdmin


class ContractAddOnInline(admin.TabularInline):
    model = ContractAddOn
    extra = 0


@admin.register(Contract)
class ContractAdmin(admin.ModelAdmin):
    list_display = ["number", "organisation", "plan", "status", "starts_on", "ends_on", "seats"]
    list_filter = ["status", "plan__vendor", "plan"]
    search_fields = ["number", "organisation__name", "plan__code"]
    autocomplete_fields = ["organisation"]
    date_hierarchy = "starts_on"
    inlines = [ContractAddOnInline]
    list_select_related = ["organisation", "plan"]


class LedgerEntryInline(admin.TabularInline):
    model = LedgerEntry
    extra = 0
    can_delete = False
    fields = readonly_fields = ("at", "kind", "minutes", "actor", "reason", "work_log")

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(HourBank)
class HourBankAdmin(admin.ModelAdmin):
    list_display = ["contract", "kind", "valid_from", "expires_at", "closed_at"]
    list_filter = ["kind", "contract__plan"]
    search_fields = ["contract__number", "contract__organisation__name"]
    inlines = [LedgerEntryInline]
    list_select_related = ["contract"]
    # Minutes change only through ledger entries written by actions (R-HRS-5).
    readonly_fields = ["contract", "kind", "valid_from"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        # A bank is made by an action (a package sold, a month granted) with its first
        # ledger entry; an empty one added here had no contract and no start (a 500).
        return False


@admin.register(HourRequest)
class HourRequestAdmin(admin.ModelAdmin):
    # Answered on the customer page (accept sells, decline needs a reason): read here.
    list_display = ["created_at", "organisation", "contact", "plan", "minutes", "status"]
    list_filter = ["status"]
    search_fields = ["organisation__name", "contact__full_name", "note"]
    list_select_related = ["organisation", "contact", "plan"]
    readonly_fields = [
        "organisation",
        "contact",
        "plan",
        "minutes",
        "note",
        "status",
        "reason",
        "bank",
    ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(LicenceEvent)
class LicenceEventAdmin(ReadOnlyAdmin):
    # Recorded by contracts/licences.record (console, API, import): a history, never edited.
    list_display = ["contract", "kind", "on", "source", "recorded_by", "recorded_at"]
    list_filter = ["kind", "source"]
    search_fields = ["contract__number", "contract__organisation__name", "note"]
    list_select_related = ["contract", "recorded_by"]


@admin.register(LedgerEntry)
class LedgerEntryAdmin(ReadOnlyAdmin):
    list_display = ["at", "bank", "kind", "minutes", "actor", "reason"]
    list_filter = ["kind", "at"]
    search_fields = ["reason", "bank__contract__number", "bank__contract__organisation__name"]
    date_hierarchy = "at"
    list_select_related = ["bank__contract", "actor"]


@admin.register(ContractAddOn)
class ContractAddOnAdmin(admin.ModelAdmin):
    list_display = ["contract", "add_on", "starts_on", "ends_on", "price_net"]
    list_filter = ["add_on"]
    search_fields = ["contract__number", "contract__organisation__name", "add_on__code"]


class StatementLineInline(admin.TabularInline):
    model = StatementLine
    extra = 0
    can_delete = False
    fields = readonly_fields = (
        "position",
        "kind",
        "description",
        "day",
        "ticket_reference",
        "raw_minutes",
        "billable_minutes",
        "bank",
        "quantity",
        "unit_price",
        "net",
    )

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Statement)
class StatementAdmin(ReadOnlyAdmin):
    """Issued statements are immutable (R-REG-2): shown, never edited."""

    list_display = [
        "number",
        "organisation_name",
        "period_start",
        "net",
        "vat",
        "gross",
        "corrects",
    ]
    list_filter = ["period_start", "plan_code"]
    search_fields = ["number", "organisation_name", "contract__number"]
    inlines = [StatementLineInline]


@admin.register(StatementLine)
class StatementLineAdmin(ReadOnlyAdmin):
    list_display = ["statement", "position", "kind", "description", "net"]
    list_filter = ["kind"]
    search_fields = ["statement__number", "description", "ticket_reference"]
    list_select_related = ["statement"]


@admin.register(StatementApproval)
class StatementApprovalAdmin(ReadOnlyAdmin):
    list_display = ["statement", "period_start", "approved_by", "approved_at"]
    list_select_related = ["statement", "approved_by"]


@admin.register(QuoteRequest)
class QuoteRequestAdmin(admin.ModelAdmin):
    list_display = ["ticket", "organisation", "status", "created_at"]
    list_filter = ["status"]
    search_fields = ["ticket__reference", "organisation__name", "description"]
    list_select_related = ["ticket", "organisation"]


@admin.register(PenaltyTerms)
class PenaltyTermsAdmin(ReadOnlyAdmin):
    # Set on the contract desk or through the API (contracts/penalties.py), audited there.
    list_display = ["plan", "contract", "basis", "amount", "monthly_cap"]
    list_filter = ["basis"]
    search_fields = ["plan__code", "contract__number"]
    list_select_related = ["plan", "contract"]


@admin.register(TopUpOffer)
class TopUpOfferAdmin(ReadOnlyAdmin):
    # Made by the beat or by staff, answered on the portal (contracts/topup): a record of
    # quotes and their answers, never edited here.
    list_display = ["created_at", "organisation", "plan", "minutes", "status", "expires_at"]
    list_filter = ["status", "origin"]
    search_fields = ["organisation__name", "contract__number", "reason"]
    list_select_related = ["organisation", "plan"]
