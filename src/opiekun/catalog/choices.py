"""The vocabulary shared by plans, contracts and tickets."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    """How a question reaches the vendor (R-CH-1)."""

    PHONE = "phone", _("phone (general line)")
    MOBILE = "mobile", _("account manager's mobile")
    EMAIL = "email", _("e-mail")
    FAX = "fax", _("fax")
    PORTAL = "portal", _("web portal")
    FORUM = "forum", _("community forum")
    REMOTE = "remote", _("remote desktop session")


class Severity(models.TextChoices):
    """How bad the problem is. Critical: the system cannot be used on any workstation
    (R-SLA-4)."""

    CRITICAL = "critical", _("critical outage")
    HIGH = "high", _("high")
    NORMAL = "normal", _("normal")


class WorkKind(models.TextChoices):
    """What kind of work a work log records; billing increments are per kind (R-HRS-2)."""

    PHONE = "phone", _("phone")
    REMOTE = "remote", _("remote")
    ONSITE = "onsite", _("on site")
    EMAIL = "email", _("e-mail")
    PROGRAMMING = "programming", _("programming")
    CONSULTATION = "consultation", _("consultation")


class PriceModel(models.TextChoices):
    FREE = "free", _("free")
    MONTHLY = "monthly", _("monthly flat fee")
    ONE_OFF_PACKAGE = "one_off_package", _("one-off package")
    YEARLY_PER_SEAT = "yearly_per_seat", _("yearly per workstation")
    INDIVIDUAL = "individual", _("individual quote")


class AllotmentPeriod(models.TextChoices):
    """How the plan's included hours are granted (R-HRS-3, R-HRS-4)."""

    NONE = "none", _("no included hours")
    MONTH = "month", _("each calendar month, no carry-over")
    VALIDITY = "validity", _("once, for the package's validity")


class Rounding(models.TextChoices):
    """How one intervention's time is rounded (R-HRS-1 is ambiguous; up is the default)."""

    UP = "up", _("up to the started unit")
    NEAREST = "nearest", _("to the nearest unit")


class Activation(models.TextChoices):
    IMMEDIATE = "immediate", _("on acceptance")
    NEXT_MONTH = "next_month", _("first day of the next calendar month")


class Acknowledgement(models.TextChoices):
    """When a receipt confirmation is due (R-SLA-6)."""

    NONE = "none", _("no formal acknowledgement")
    NEXT_WORKING_DAY = "next_working_day", _("by the end of the next working day")


class ScopeKind(models.TextChoices):
    INCLUDED = "included", _("included")
    EXCLUDED = "excluded", _("excluded, billable extra work")
    REFERRED = "referred", _("referred elsewhere")


class Recurrence(models.TextChoices):
    MONTHLY = "monthly", _("monthly")
    QUARTERLY = "quarterly", _("quarterly")
    YEARLY = "yearly", _("yearly")


class AssignmentRule(models.TextChoices):
    """Who a new ticket goes to at intake (issue 15): the account manager (as always),
    the agent on duty assigned least recently (round robin), or nobody (the queue)."""

    ACCOUNT_MANAGER = "account_manager", _("the account manager")
    ROUND_ROBIN = "round_robin", _("round robin among agents on duty")
    NONE = "none", _("nobody (left in the queue)")
