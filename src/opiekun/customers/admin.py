from django.contrib import admin

from opiekun.customers.models import Contact, ContactEmail, ContactPhone, Organisation


class ContactInline(admin.TabularInline):
    model = Contact
    extra = 0
    fields = [
        "full_name",
        "job_title",
        "is_authorised",
        "is_single_point_of_contact",
        "is_organisation_admin",
    ]
    show_change_link = True


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "short_name",
        "kind",
        "account_manager",
        "contacts_see_all_tickets",
        "is_active",
    ]
    list_filter = ["kind", "is_active", "contacts_see_all_tickets", "account_manager"]
    search_fields = ["name", "short_name", "tax_id", "email"]
    prepopulated_fields = {"short_name": ["name"]}
    inlines = [ContactInline]
    list_select_related = ["account_manager__user"]


class ContactEmailInline(admin.TabularInline):
    model = ContactEmail
    extra = 0


class ContactPhoneInline(admin.TabularInline):
    model = ContactPhone
    extra = 0


@admin.register(Contact)
class ContactAdmin(admin.ModelAdmin):
    list_display = [
        "full_name",
        "organisation",
        "is_authorised",
        "is_single_point_of_contact",
        "is_organisation_admin",
        "is_active",
    ]
    list_filter = [
        "is_authorised",
        "is_single_point_of_contact",
        "is_organisation_admin",
        "is_active",
        "organisation",
    ]
    search_fields = ["full_name", "emails__address", "phones__number", "organisation__name"]
    inlines = [ContactEmailInline, ContactPhoneInline]
    autocomplete_fields = ["organisation", "user"]
    list_select_related = ["organisation"]


@admin.register(ContactPhone)
class ContactPhoneAdmin(admin.ModelAdmin):
    list_display = ["number", "kind", "contact"]
    list_filter = ["kind"]
    search_fields = ["number", "contact__full_name", "contact__organisation__name"]
    list_select_related = ["contact__organisation"]


@admin.register(ContactEmail)
class ContactEmailAdmin(admin.ModelAdmin):
    list_display = ["address", "is_primary", "contact"]
    search_fields = ["address", "contact__full_name"]
    list_select_related = ["contact__organisation"]
