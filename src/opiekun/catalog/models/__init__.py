"""The catalog's models, one module per topic. Django finds them because this package
imports them; every name the old module had is importable from here, the choices too
(their home is choices.py)."""

from opiekun.catalog.choices import (
    Acknowledgement,
    Activation,
    AllotmentPeriod,
    Channel,
    PriceModel,
    Recurrence,
    Rounding,
    ScopeKind,
    Severity,
    WorkKind,
)

# Kept in the old module's order, which is the order Django registers the models in.
# isort: off
from opiekun.catalog.models.vendors import Product, Vendor
from opiekun.catalog.models.calendars import (
    CalendarDate,
    CalendarInterval,
    WorkingCalendar,
    validate_time_zone,
)
from opiekun.catalog.models.plans import BillingRule, Plan, PlanChannel, ReactionTarget
from opiekun.catalog.models.scope import MaintenanceTask, ScopeItem
from opiekun.catalog.models.addons import AddOn
from opiekun.catalog.models.wording import SeverityWording
# isort: on

__all__ = [
    "Acknowledgement",
    "Activation",
    "AddOn",
    "AllotmentPeriod",
    "BillingRule",
    "CalendarDate",
    "CalendarInterval",
    "Channel",
    "MaintenanceTask",
    "Plan",
    "PlanChannel",
    "PriceModel",
    "Product",
    "ReactionTarget",
    "Recurrence",
    "Rounding",
    "ScopeItem",
    "ScopeKind",
    "Severity",
    "SeverityWording",
    "Vendor",
    "WorkKind",
    "WorkingCalendar",
    "validate_time_zone",
]
