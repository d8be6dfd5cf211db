from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from opiekun.core.models import Timestamped
from opiekun.core.phones import E164_REGEX, PhoneNumberField


class StaffMember(Timestamped):
    """A person of the vendor (R-PPL-1) with the roles they hold. One person may hold
    several: an account manager also works tickets as an agent."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="staff_member",
    )
    is_agent = models.BooleanField(_("consultant (agent)"), default=True)
    is_account_manager = models.BooleanField(_("account manager"), default=False)
    is_on_call = models.BooleanField(
        _("on-call duty"),
        default=False,
        help_text=_("May take the general line and after-hours emergencies."),
    )
    is_manager = models.BooleanField(
        _("support manager"),
        default=False,
        help_text=_("Manages plans, contracts and settlement."),
    )
    language = models.CharField(
        _("language"),
        max_length=8,
        choices=settings.LANGUAGES,
        blank=True,
        help_text=_("Empty: the browser's."),
    )
    mobile_phone = PhoneNumberField(_("mobile phone (E.164)"), blank=True)
    calendar = models.ForeignKey(
        "catalog.WorkingCalendar",
        verbose_name=_("working hours"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Warnings reach this person only inside these hours."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    last_assigned_at = models.DateTimeField(
        _("last given a ticket at"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("Round robin gives the next ticket to whoever waited longest."),
    )
    calendar_token = models.CharField(
        _("calendar feed token"),
        max_length=64,
        null=True,
        blank=True,
        unique=True,
        editable=False,
        help_text=_("The secret in the address of this person's appointments feed (iCal)."),
    )

    class Meta:
        verbose_name = _("staff member")
        verbose_name_plural = _("staff members")
        ordering = ["user__last_name", "user__first_name", "user__username"]
        constraints = [
            models.CheckConstraint(
                condition=Q(mobile_phone="") | Q(mobile_phone__regex=E164_REGEX),
                name="staff_mobile_e164",
            ),
        ]

    def __str__(self) -> str:
        return self.user.get_full_name() or self.user.get_username()

    @property
    def roles(self) -> list[str]:
        flags = [
            ("agent", self.is_agent),
            ("account_manager", self.is_account_manager),
            ("on_call", self.is_on_call),
            ("manager", self.is_manager),
        ]
        return [name for name, held in flags if held]


class OnCallShift(Timestamped):
    """Who covers the general line and after-hours emergencies in a window (R-PPL-1,
    R-SLA-4): critical-outage notifications go to the person on shift."""

    staff = models.ForeignKey(
        StaffMember,
        verbose_name=_("staff member"),
        on_delete=models.PROTECT,
        related_name="on_call_shifts",
    )
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("on-call shift")
        verbose_name_plural = _("on-call shifts")
        ordering = ["starts_at"]
        indexes = [models.Index(fields=["starts_at", "ends_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="oncall_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.staff} {self.starts_at:%Y-%m-%d %H:%M}-{self.ends_at:%H:%M}"
