"""The seed vendors' plans as data files, one TOML file per vendor.

``read(name)`` parses and checks a file: an unknown key or a malformed interval raises
``PresetError`` naming it, so a typo never loads silently. Loading into the database is
the action ``opiekun.catalog.actions.load_presets``.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from decimal import Decimal, InvalidOperation
from importlib import resources
from typing import Any

from stdnum.pl import nip

from opiekun.catalog.billing_needs import missing_work_kinds

PRESETS: tuple[str, ...] = ("kjm", "pwsk", "ship", "eks", "mer")

_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

_SECTION_KEYS = {
    "vendor": {"code", "name", "legal_name", "tax_id", "address", "email", "phone"},
    "products": {"code", "name", "description"},
    "calendars": {"code", "name", "time_zone", "holiday_country", "observes_holidays", "week"},
    "plans": {
        "code",
        "name",
        "description",
        "products",
        "is_public",
        "price_model",
        "price_net",
        "currency",
        "minimum_months",
        "term_months",
        "activation",
        "customer_notice_days",
        "vendor_notice_days",
        "eligibility_months",
        "calendar",
        "out_of_hours_emergency_only",
        "unlimited_support",
        "allotment_period",
        "included_minutes",
        "package_validity_months",
        "requires_valid_package",
        "guaranteed_monthly_minutes",
        "hourly_rate_net",
        "documentation_minutes",
        "intervention_rounding_minutes",
        "rounding",
        "out_of_hours_multiplier",
        "queue_priority",
        "includes_annual_updates",
        "includes_account_manager",
        "single_point_of_contact",
        "requires_form",
        "acknowledgement",
        "channels",
        "targets",
        "billing",
        "included",
        "excluded",
        "referred",
        "maintenance",
        "severities",
    },
    "add_ons": {
        "code",
        "name",
        "description",
        "price_model",
        "price_net",
        "calendar",
        "product",
        "plans",
    },
}
_ITEM_KEYS = {
    "channels": {"channel", "hours", "guaranteed", "restriction"},
    "targets": {"severity", "channel", "minutes", "calendar"},
    "billing": {"kind", "increment", "draws_on_package"},
    "referred": {"text", "refer_to"},
    "maintenance": {"code", "name", "recurrence"},
    "severities": {"severity", "pl", "en"},
}
_MONEY_KEYS = {"price_net", "hourly_rate_net", "out_of_hours_multiplier"}


class PresetError(Exception):
    """A preset name or file is wrong; the message says which and where."""


def read(name: str) -> dict[str, Any]:
    """The checked content of one preset, with money as Decimal and the week as
    ``(weekday, start, end)`` triples."""
    if name not in PRESETS:
        raise PresetError(f"unknown preset {name!r} (choose from {', '.join(PRESETS)}, all)")
    text = resources.files(__package__).joinpath(f"{name}.toml").read_text(encoding="utf-8")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise PresetError(f"{name}.toml: {exc}") from None
    _check_keys(name, data)
    for calendar in data.get("calendars", []):
        calendar["week"] = _parse_week(f"{name}.toml calendar {calendar['code']}", calendar["week"])
    for plan in data.get("plans", []):
        missing = missing_work_kinds(
            (c["channel"] for c in plan.get("channels", [])),
            (b["kind"] for b in plan.get("billing", [])),
        )
        if missing:
            where = f"{name}.toml plans {plan['code']}"
            raise PresetError(f"{where}: no billing rule for {', '.join(missing)} work")
    for section in ("plans", "add_ons"):
        for item in data.get(section, []):
            for key in _MONEY_KEYS & item.keys():
                item[key] = _decimal(f"{name}.toml {item['code']}.{key}", item[key])
    return data


def _check_keys(name: str, data: dict[str, Any]) -> None:
    unknown = data.keys() - _SECTION_KEYS.keys()
    if unknown:
        raise PresetError(f"{name}.toml: unknown section(s) {sorted(unknown)}")
    if "vendor" not in data:
        raise PresetError(f"{name}.toml: the [vendor] section is missing")
    tax_id = data["vendor"].get("tax_id", "")
    if tax_id and not nip.is_valid(tax_id):
        raise PresetError(f"{name}.toml vendor: tax_id {tax_id!r} is no valid NIP")
    for section, allowed in _SECTION_KEYS.items():
        items = data.get(section, [])
        for item in [items] if isinstance(items, dict) else items:
            where = f"{name}.toml {section} {item.get('code', '?')}"
            extra = item.keys() - allowed
            if extra:
                raise PresetError(f"{where}: unknown key(s) {sorted(extra)}")
            if "code" not in item or "name" not in item:
                raise PresetError(f"{where}: needs a code and a name")
            for list_key, list_allowed in _ITEM_KEYS.items():
                for sub in item.get(list_key, []):
                    extra = sub.keys() - list_allowed if isinstance(sub, dict) else set()
                    if extra:
                        raise PresetError(f"{where}.{list_key}: unknown key(s) {sorted(extra)}")


def _parse_week(where: str, week: dict[str, list[str]]) -> list[tuple[int, dt.time, dt.time]]:
    intervals: list[tuple[int, dt.time, dt.time]] = []
    for days, spans in week.items():
        for weekday in _parse_days(where, days):
            for span in spans:
                start, end = _parse_span(where, span)
                intervals.append((weekday, start, end))
    seen = {(weekday, start) for weekday, start, _ in intervals}
    if len(seen) != len(intervals):
        raise PresetError(f"{where}: two intervals start at the same time on one day")
    return sorted(intervals)


def _parse_days(where: str, days: str) -> list[int]:
    first, _, last = days.partition("-")
    try:
        start = _DAYS.index(first)
        end = _DAYS.index(last or first)
    except ValueError:
        raise PresetError(f"{where}: bad day range {days!r} (e.g. 'mon-fri', 'sat')") from None
    if end < start:
        raise PresetError(f"{where}: day range {days!r} runs backwards")
    return list(range(start, end + 1))


def _parse_span(where: str, span: str) -> tuple[dt.time, dt.time]:
    try:
        start_text, end_text = span.split("-")
        return dt.time.fromisoformat(start_text), dt.time.fromisoformat(end_text)
    except ValueError:
        raise PresetError(f"{where}: bad interval {span!r} (e.g. '08:00-16:00')") from None


def _decimal(where: str, value: object) -> Decimal:
    try:
        return Decimal(str(value))
    except InvalidOperation:
        raise PresetError(f"{where}: {value!r} is not a number") from None
