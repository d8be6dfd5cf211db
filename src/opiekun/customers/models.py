from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from opiekun.core.models import Timestamped
from opiekun.core.phones import E164_REGEX, PhoneNumberField
from opiekun.core.taxids import TaxIdField


class Organisation(Timestamped):
    """A customer: a firm, or a public office ("Nazwa Urzędu" on form HOT-01), R-PPL-2.
    Its account manager is the default assignee of its tickets."""

    class Kind(models.TextChoices):
        COMPANY = "company", _("company")
        PUBLIC_OFFICE = "public_office", _("public office")

    name = models.CharField(_("name"), max_length=200)
    short_name = models.SlugField(_("short name"), max_length=50, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.COMPANY)
    tax_id = TaxIdField(_("tax id (NIP)"), blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = PhoneNumberField(_("phone (E.164)"), blank=True)
    address = models.TextField(_("address"), blank=True)
    account_manager = models.ForeignKey(
        "staff.StaffMember",
        verbose_name=_("account manager"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="organisations",
        limit_choices_to={"is_account_manager": True},
    )
    notes = models.TextField(_("notes"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    contacts_see_all_tickets = models.BooleanField(
        _("contacts see colleagues' tickets"),
        default=False,
        help_text=_(
            "Every contact sees all the organisation's tickets; otherwise a contact sees "
            "their own and the organisation's administrators see all."
        ),
    )

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(phone="") | Q(phone__regex=E164_REGEX), name="organisation_phone_e164"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Contact(Timestamped):
    """A person of a customer organisation (R-PPL-2). Only authorised contacts open
    tickets; where a plan asks for a single point of contact, only designated ones may
    open tickets that draw on the hour package."""

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="contacts",
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("portal user"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="contact",
    )
    full_name = models.CharField(_("full name"), max_length=200)
    job_title = models.CharField(_("job title"), max_length=200, blank=True)
    is_authorised = models.BooleanField(
        _("authorised"), default=True, help_text=_("May open tickets for the organisation.")
    )
    is_single_point_of_contact = models.BooleanField(
        _("single point of contact"),
        default=False,
        help_text=_("Designated to use the hour package where the plan requires it."),
    )
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default="pl"
    )
    is_organisation_admin = models.BooleanField(
        _("organisation administrator"),
        default=False,
        help_text=_("Sees all the organisation's tickets and manages its contacts in the portal."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["organisation__name", "full_name"]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.organisation.short_name})"

    @property
    def primary_email(self) -> str:
        first = next((e for e in self.emails.all() if e.is_primary), None)
        first = first or next(iter(self.emails.all()), None)
        return first.address if first else ""


class ContactEmail(models.Model):
    """An address a contact writes from. Unique (case-insensitively) across all contacts,
    so an incoming e-mail maps to exactly one person."""

    contact = models.ForeignKey(
        Contact, verbose_name=_("contact"), on_delete=models.CASCADE, related_name="emails"
    )
    address = models.EmailField(_("address"))
    is_primary = models.BooleanField(_("primary"), default=False)

    class Meta:
        verbose_name = _("contact e-mail")
        verbose_name_plural = _("contact e-mails")
        ordering = ["-is_primary", "address"]
        constraints = [
            models.UniqueConstraint(Lower("address"), name="contact_email_unique_ci"),
        ]

    def __str__(self) -> str:
        return self.address


class ContactPhone(models.Model):
    """A number a contact calls from, in E.164 (R-PPL-3). The account manager need not
    answer numbers that are not registered here; caller-ID lookup reads this table."""

    class Kind(models.TextChoices):
        MOBILE = "mobile", _("mobile")
        LANDLINE = "landline", _("landline")
        FAX = "fax", _("fax")

    contact = models.ForeignKey(
        Contact, verbose_name=_("contact"), on_delete=models.CASCADE, related_name="phones"
    )
    number = PhoneNumberField(_("number (E.164)"))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.MOBILE)

    class Meta:
        verbose_name = _("contact phone")
        verbose_name_plural = _("contact phones")
        ordering = ["number"]
        indexes = [models.Index(fields=["number"])]
        constraints = [
            models.UniqueConstraint(fields=["contact", "number"], name="contact_phone_unique"),
            models.CheckConstraint(
                condition=Q(number__regex=E164_REGEX), name="contact_phone_e164"
            ),
        ]

    def __str__(self) -> str:
        return self.number
