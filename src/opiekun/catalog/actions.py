"""State changes of the catalog: loading the seed vendors' presets."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from opiekun.catalog import presets
from opiekun.catalog.choices import ScopeKind, Severity
from opiekun.catalog.models import (
    AddOn,
    BillingRule,
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
from opiekun.core import audit
from opiekun.core.audit import Actor
from opiekun.core.sync import Tally, prune, set_m2m, upsert

_PLAN_FIELDS = presets._SECTION_KEYS["plans"] - {
    "code",
    "products",
    "calendar",
    "channels",
    "targets",
    "billing",
    "included",
    "excluded",
    "referred",
    "maintenance",
    "severities",
}
# What a plan that omits a field gets, so removing a line from a preset resets it.
_PLAN_DEFAULTS = {
    field.name: field.get_default()
    for field in Plan._meta.concrete_fields
    if field.name in _PLAN_FIELDS
}


def load_presets(names: list[str], *, actor: Actor = None) -> dict[str, Tally]:
    """Loads the named presets in one transaction: all of them or none. Returns what
    changed per preset; a second load of the same files changes nothing."""
    parsed = {name: presets.read(name) for name in names}  # fail before writing anything
    tallies: dict[str, Tally] = {}
    with transaction.atomic():
        for name, data in parsed.items():
            tally = Tally()
            vendor = _load_vendor(data, tally)
            if tally.changed:
                audit.record("catalog.preset_loaded", vendor, actor=actor, preset=name, **tally)
            tallies[name] = tally
    return tallies


# What the vendor's invoices carry as the seller (gap 2): the preset's demo values fill
# a blank, and a value a manager set stays when the preset is loaded again.
_SELLER_FIELDS = ("legal_name", "tax_id", "address")


def _load_vendor(data: dict[str, Any], tally: Tally) -> Vendor:
    v = data["vendor"]
    current = Vendor.objects.filter(code=v["code"]).values(*_SELLER_FIELDS).first() or {}
    seller = {k: current.get(k) or v.get(k, "") for k in _SELLER_FIELDS}
    vendor = upsert(
        Vendor,
        tally,
        {"code": v["code"]},
        {**{k: v.get(k, "") for k in ("name", "email", "phone")}, **seller},
    )
    products = {
        p["code"]: upsert(
            Product,
            tally,
            {"vendor": vendor, "code": p["code"]},
            {"name": p["name"], "description": p.get("description", "")},
        )
        for p in data.get("products", [])
    }
    calendars = {c["code"]: _load_calendar(c, tally) for c in data.get("calendars", [])}

    def calendar(code: str | None) -> WorkingCalendar | None:
        if code is None:
            return None
        if code not in calendars:
            raise presets.PresetError(f"{vendor.code}: unknown calendar {code!r}")
        return calendars[code]

    plans = {
        p["code"]: _load_plan(vendor, p, products, calendar, tally) for p in data.get("plans", [])
    }
    for a in data.get("add_ons", []):
        add_on = upsert(
            AddOn,
            tally,
            {"code": a["code"]},
            {
                "vendor": vendor,
                "name": a["name"],
                "description": a.get("description", ""),
                "price_model": a.get("price_model", "individual"),
                "price_net": a.get("price_net"),
                "calendar": calendar(a.get("calendar")),
                "product": products[a["product"]] if "product" in a else None,
            },
        )
        set_m2m(add_on.plans, tally, [plans[code] for code in a.get("plans", [])])
    return vendor


def _load_calendar(c: dict[str, Any], tally: Tally) -> WorkingCalendar:
    cal = upsert(
        WorkingCalendar,
        tally,
        {"code": c["code"]},
        {
            "name": c["name"],
            "time_zone": c.get("time_zone", "Europe/Warsaw"),
            "holiday_country": c.get("holiday_country", "PL"),
            "observes_holidays": c.get("observes_holidays", True),
        },
    )
    keep = [
        upsert(
            CalendarInterval, tally, {"calendar": cal, "weekday": wd, "start": start}, {"end": end}
        ).pk
        for wd, start, end in c["week"]
    ]
    prune(cal.intervals.all(), tally, keep)
    return cal


def _load_plan(
    vendor: Vendor, p: dict[str, Any], products: dict[str, Product], calendar: Any, tally: Tally
) -> Plan:
    values = {**_PLAN_DEFAULTS, **{k: v for k, v in p.items() if k in _PLAN_FIELDS}}
    values["vendor"] = vendor
    values["calendar"] = calendar(p["calendar"])
    values.setdefault("description", "")
    plan = upsert(Plan, tally, {"code": p["code"]}, values)
    set_m2m(plan.products, tally, [products[code] for code in p.get("products", [])])

    keep = [
        upsert(
            PlanChannel,
            tally,
            {"plan": plan, "channel": ch["channel"]},
            {
                "calendar": calendar(ch.get("hours")),
                "guaranteed": ch.get("guaranteed", True),
                "restriction": ch.get("restriction", ""),
            },
        ).pk
        for ch in p.get("channels", [])
    ]
    prune(plan.channels.all(), tally, keep)

    keep = [
        upsert(
            ReactionTarget,
            tally,
            {"plan": plan, "severity": t.get("severity", ""), "channel": t.get("channel", "")},
            {"minutes": t["minutes"], "calendar": calendar(t.get("calendar"))},
        ).pk
        for t in p.get("targets", [])
    ]
    prune(plan.targets.all(), tally, keep)

    keep = [
        upsert(
            BillingRule,
            tally,
            {"plan": plan, "work_kind": b["kind"]},
            {
                "increment_minutes": b.get("increment", 0),
                "draws_on_package": b.get("draws_on_package", True),
            },
        ).pk
        for b in p.get("billing", [])
    ]
    prune(plan.billing_rules.all(), tally, keep)

    scope: list[tuple[str, str, str]] = (
        [(ScopeKind.INCLUDED, text, "") for text in p.get("included", [])]
        + [(ScopeKind.EXCLUDED, text, "") for text in p.get("excluded", [])]
        + [(ScopeKind.REFERRED, r["text"], r.get("refer_to", "")) for r in p.get("referred", [])]
    )
    keep = [
        upsert(
            ScopeItem,
            tally,
            {"plan": plan, "kind": kind, "text": text},
            {"refer_to": refer_to, "position": position},
        ).pk
        for position, (kind, text, refer_to) in enumerate(scope)
    ]
    prune(plan.scope_items.all(), tally, keep)

    keep = [
        upsert(
            MaintenanceTask,
            tally,
            {"plan": plan, "code": m["code"]},
            {"name": m["name"], "recurrence": m.get("recurrence", "monthly")},
        ).pk
        for m in p.get("maintenance", [])
    ]
    prune(plan.maintenance_tasks.all(), tally, keep)

    for w in p.get("severities", []):
        if w.get("severity") not in Severity.values or not w.get("pl") or not w.get("en"):
            raise presets.PresetError(
                f"{p['code']}.severities: each needs a severity of {', '.join(Severity.values)}"
                " and its Polish and English words (pl, en)"
            )
    keep = [
        upsert(
            SeverityWording,
            tally,
            {"plan": plan, "severity": w["severity"]},
            {"text_pl": w["pl"], "text_en": w["en"]},
        ).pk
        for w in p.get("severities", [])
    ]
    prune(plan.severity_wordings.all(), tally, keep)
    return plan
