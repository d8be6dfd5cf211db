"""Working calendars: weekly hours and the dates that depart from them."""

from __future__ import annotations

import zoneinfo

import holidays
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from opiekun.core.models import Timestamped


def validate_holiday_country(value: str) -> None:
    """A country the holidays package knows: an unknown one would fail every deadline
    computed on the calendar (issue 17)."""
    if value and value not in holidays.list_supported_countries():
        raise ValidationError(
            _("%(value)s is not a country whose public holidays are known (e.g. PL, DE, CZ)"),
            params={"value": value},
            code="holiday_country",
        )


def validate_time_zone(value: str) -> None:
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ValidationError(
            _("%(value)s is not an IANA time zone"), params={"value": value}, code="tz"
        ) from None


class WorkingCalendar(Timestamped):
    """Working time: weekly intervals, public holidays of a country, extra closed and
    open dates, in one IANA time zone. Deadlines are counted in it (R-SLA-1, R-SLA-3)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    time_zone = models.CharField(
        _("time zone"), max_length=64, default="Europe/Warsaw", validators=[validate_time_zone]
    )
    holiday_country = models.CharField(
        _("holiday country"),
        max_length=2,
        default="PL",
        blank=True,
        help_text=_("ISO 3166 code of the public holidays observed; empty for none."),
        validators=[validate_holiday_country],
    )
    holiday_subdivision = models.CharField(_("holiday subdivision"), max_length=10, blank=True)
    observes_holidays = models.BooleanField(
        _("closed on public holidays"),
        default=True,
        help_text=_("Off for a calendar that covers holidays (e.g. a 7:00-22:00 daily clock)."),
    )

    class Meta:
        verbose_name = _("working calendar")
        verbose_name_plural = _("working calendars")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class CalendarInterval(models.Model):
    """One weekly working interval. An end at or before the start runs past midnight
    into the next day (22:00-06:00); 00:00-00:00 is the whole day."""

    class Weekday(models.IntegerChoices):
        MONDAY = 0, _("Monday")
        TUESDAY = 1, _("Tuesday")
        WEDNESDAY = 2, _("Wednesday")
        THURSDAY = 3, _("Thursday")
        FRIDAY = 4, _("Friday")
        SATURDAY = 5, _("Saturday")
        SUNDAY = 6, _("Sunday")

    calendar = models.ForeignKey(
        WorkingCalendar,
        verbose_name=_("calendar"),
        on_delete=models.CASCADE,
        related_name="intervals",
    )
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    start = models.TimeField(_("start"))
    end = models.TimeField(_("end"))

    class Meta:
        verbose_name = _("calendar interval")
        verbose_name_plural = _("calendar intervals")
        ordering = ["calendar", "weekday", "start"]
        constraints = [
            models.CheckConstraint(condition=Q(weekday__lte=6), name="interval_weekday_range"),
            models.UniqueConstraint(
                fields=["calendar", "weekday", "start"], name="interval_unique_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.start:%H:%M}-{self.end:%H:%M}"


class CalendarDate(models.Model):
    """A date that departs from the week: closed (a company day off) or open with its
    own hours (a working Saturday)."""

    calendar = models.ForeignKey(
        WorkingCalendar,
        verbose_name=_("calendar"),
        on_delete=models.CASCADE,
        related_name="dates",
    )
    date = models.DateField(_("date"))
    is_open = models.BooleanField(_("open"), default=False)
    start = models.TimeField(_("start"), null=True, blank=True)
    end = models.TimeField(_("end"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("calendar date")
        verbose_name_plural = _("calendar dates")
        ordering = ["calendar", "date"]
        constraints = [
            models.UniqueConstraint(fields=["calendar", "date"], name="calendar_date_unique"),
            models.CheckConstraint(
                condition=Q(is_open=False, start__isnull=True, end__isnull=True)
                | Q(is_open=True, start__isnull=False, end__isnull=False),
                name="calendar_date_open_has_hours",
            ),
        ]

    def __str__(self) -> str:
        if self.is_open and self.start and self.end:
            return f"{self.date} {self.start:%H:%M}-{self.end:%H:%M}"
        return f"{self.date} {_('closed')}"
