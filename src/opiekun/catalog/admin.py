import re

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.forms import BaseInlineFormSet, ModelForm
from django.http import HttpRequest
from django.utils.translation import gettext as _

from opiekun.catalog import changes
from opiekun.catalog.billing_needs import missing_work_kinds
from opiekun.catalog.choices import WorkKind
from opiekun.catalog.models import (
    AddOn,
    BillingRule,
    CalendarDate,
    CalendarInterval,
    MaintenanceTask,
    Plan,
    PlanChannel,
    Product,
    ReactionTarget,
    ScopeItem,
    SeverityWording,
    Vendor,
    WorkingCalendar,
)


@admin.register(Vendor)
class VendorAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "email", "phone"]
    search_fields = ["code", "name", "legal_name"]


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "vendor"]
    list_filter = ["vendor"]
    search_fields = ["code", "name"]


class CalendarIntervalInline(admin.TabularInline):
    model = CalendarInterval
    extra = 0


class CalendarDateInline(admin.TabularInline):
    model = CalendarDate
    extra = 0


@admin.register(WorkingCalendar)
class WorkingCalendarAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "time_zone", "holiday_country", "observes_holidays"]
    list_filter = ["time_zone", "holiday_country", "observes_holidays"]
    search_fields = ["code", "name"]
    inlines = [CalendarIntervalInline, CalendarDateInline]

    def save_related(self, request: HttpRequest, form: ModelForm, formsets, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        # R-SLA-9: open deadlines follow the new hours.
        changes.recompute_after_commit(
            changes.plans_using(form.instance), f"calendar {form.instance.code} changed"
        )


class PlanChannelInline(admin.TabularInline):
    model = PlanChannel
    extra = 0
    autocomplete_fields = ["calendar"]


class ReactionTargetInline(admin.TabularInline):
    model = ReactionTarget
    extra = 0
    autocomplete_fields = ["calendar"]


class BillingRulesCoverChannels(BaseInlineFormSet):
    """Refuses a plan whose open channels bring work no rule bills (issue 17: no work
    could be logged under it). The channels are the other inline's rows in the same
    POST, as they will be saved."""

    def clean(self) -> None:
        super().clean()
        channels = [
            value
            for key, value in self.data.items()
            if (row := re.fullmatch(r"channels-(\d+)-channel", key))
            and not self.data.get(f"channels-{row.group(1)}-DELETE")
        ]
        kinds = [
            form.cleaned_data["work_kind"]
            for form in self.forms
            if form.cleaned_data.get("work_kind") and not form.cleaned_data.get("DELETE")
        ]
        missing = missing_work_kinds(channels, kinds)
        if missing:
            names = ", ".join(str(WorkKind(kind).label) for kind in missing)
            raise ValidationError(
                _("The plan's channels bring work no rule bills: add a billing rule for %(kinds)s.")
                % {"kinds": names}
            )


class BillingRuleInline(admin.TabularInline):
    model = BillingRule
    formset = BillingRulesCoverChannels
    extra = 0


class ScopeItemInline(admin.TabularInline):
    model = ScopeItem
    extra = 0


class MaintenanceTaskInline(admin.TabularInline):
    model = MaintenanceTask
    extra = 0


class SeverityWordingInline(admin.TabularInline):
    model = SeverityWording
    extra = 0


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = [
        "code",
        "name",
        "vendor",
        "price_model",
        "price_net",
        "minimum_months",
        "calendar",
        "queue_priority",
    ]
    list_filter = [
        "vendor",
        "price_model",
        "allotment_period",
        "is_public",
        "portal_counts_as_email",
    ]
    search_fields = ["code", "name", "description"]
    autocomplete_fields = ["calendar"]
    filter_horizontal = ["products"]
    inlines = [
        PlanChannelInline,
        ReactionTargetInline,
        BillingRuleInline,
        ScopeItemInline,
        MaintenanceTaskInline,
        SeverityWordingInline,
    ]
    list_select_related = ["vendor", "calendar"]

    def save_related(self, request: HttpRequest, form: ModelForm, formsets, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        changes.recompute_after_commit([form.instance.pk], f"plan {form.instance.code} changed")


@admin.register(AddOn)
class AddOnAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "vendor", "price_model", "price_net", "calendar"]
    list_filter = ["vendor"]
    search_fields = ["code", "name"]
    filter_horizontal = ["plans"]


@admin.register(CalendarInterval)
class CalendarIntervalAdmin(admin.ModelAdmin):
    list_display = ["calendar", "weekday", "start", "end"]
    list_filter = ["calendar", "weekday"]
    search_fields = ["calendar__code", "calendar__name"]


@admin.register(CalendarDate)
class CalendarDateAdmin(admin.ModelAdmin):
    list_display = ["calendar", "date", "is_open", "start", "end", "note"]
    list_filter = ["calendar", "is_open"]
    search_fields = ["calendar__code", "note"]
    date_hierarchy = "date"


@admin.register(PlanChannel)
class PlanChannelAdmin(admin.ModelAdmin):
    list_display = ["plan", "channel", "calendar", "guaranteed", "restriction"]
    list_filter = ["channel", "guaranteed", "plan__vendor"]
    search_fields = ["plan__code", "restriction"]


@admin.register(ReactionTarget)
class ReactionTargetAdmin(admin.ModelAdmin):
    list_display = ["plan", "severity", "channel", "minutes", "calendar"]
    list_filter = ["severity", "channel", "plan__vendor"]
    search_fields = ["plan__code"]


@admin.register(BillingRule)
class BillingRuleAdmin(admin.ModelAdmin):
    list_display = ["plan", "work_kind", "increment_minutes", "draws_on_package"]
    list_filter = ["work_kind", "draws_on_package", "plan__vendor"]
    search_fields = ["plan__code"]


@admin.register(ScopeItem)
class ScopeItemAdmin(admin.ModelAdmin):
    list_display = ["plan", "kind", "text", "refer_to"]
    list_filter = ["kind", "plan__vendor", "plan"]
    search_fields = ["text", "refer_to", "plan__code"]


@admin.register(MaintenanceTask)
class MaintenanceTaskAdmin(admin.ModelAdmin):
    list_display = ["plan", "code", "name", "recurrence"]
    list_filter = ["recurrence", "plan__vendor"]
    search_fields = ["code", "name", "plan__code"]


@admin.register(SeverityWording)
class SeverityWordingAdmin(admin.ModelAdmin):
    list_display = ["plan", "severity", "text_pl", "text_en"]
    list_filter = ["severity", "plan__vendor"]
    search_fields = ["text_pl", "text_en", "plan__code"]
    list_select_related = ["plan"]
