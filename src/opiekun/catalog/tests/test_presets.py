"""Every seed figure, asserted against the loaded presets (R-PLN-1 .. R-PLN-6)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from opiekun.catalog import actions, presets
from opiekun.catalog.models import Plan, Vendor, WorkingCalendar
from opiekun.core.models import AuditEvent

pytestmark = pytest.mark.django_db

TWELVE = {
    "KJM-CARE",
    "KJM-PACKAGE",
    "PWSK-BASIC",
    "PWSK-SUPERVISION",
    "SHIP-COMMUNITY",
    "SHIP-EMAIL",
    "SHIP-START",
    "SHIP-STANDARD",
    "SHIP-PREMIUM",
    "EKS-HOTLINE",
    "MER-SOS",
    "MER-SOS-LICENCE",
}


def week(code: str) -> dict[int, list[tuple[str, str]]]:
    days: dict[int, list[tuple[str, str]]] = {}
    for i in WorkingCalendar.objects.get(code=code).intervals.all():
        days.setdefault(i.weekday, []).append((f"{i.start:%H:%M}", f"{i.end:%H:%M}"))
    return days


def weekdays(start: str, end: str) -> dict[int, list[tuple[str, str]]]:
    return {d: [(start, end)] for d in range(5)}


def every_day(start: str, end: str) -> dict[int, list[tuple[str, str]]]:
    return {d: [(start, end)] for d in range(7)}


def channels(plan: Plan) -> dict[str, tuple[str | None, bool]]:
    return {
        c.channel: (c.calendar.code if c.calendar else None, c.guaranteed)
        for c in plan.channels.all()
    }


def targets(plan: Plan) -> dict[tuple[str, str], tuple[int, str]]:
    return {
        (t.severity, t.channel): (t.minutes, (t.calendar or plan.calendar).code)
        for t in plan.targets.all()
    }


def billing(plan: Plan) -> dict[str, tuple[int, bool]]:
    return {
        b.work_kind: (b.increment_minutes, b.draws_on_package) for b in plan.billing_rules.all()
    }


def test_it_loads_the_twelve_plans_of_the_five_vendors(presets: None) -> None:
    assert set(Plan.objects.values_list("code", flat=True)) == TWELVE
    assert set(Vendor.objects.values_list("code", flat=True)) == {
        "kjm",
        "pwsk",
        "ship",
        "eks",
        "mer",
    }


# --- SHIP price table (R-PLN-2) -------------------------------------------------------

SHIP_TABLE = [
    # code, price, minimum months, included minutes, hours, reaction, limit, rate
    ("SHIP-COMMUNITY", "0.00", 0, 0, ("10:00", "13:00"), None, None, "200.00"),
    ("SHIP-EMAIL", "129.00", 3, 0, ("09:00", "15:00"), 12 * 60, 3 * 60, "180.00"),
    ("SHIP-START", "399.00", 3, 3 * 60, ("08:00", "16:00"), 8 * 60, 8 * 60, "165.00"),
    ("SHIP-STANDARD", "799.00", 6, 7 * 60, ("07:00", "17:00"), 4 * 60, 15 * 60, "140.00"),
]


@pytest.mark.parametrize(
    ("code", "price", "minimum", "included", "hours", "reaction", "limit", "rate"), SHIP_TABLE
)
def test_r_pln_2_ship_price_table(
    presets: None,
    code: str,
    price: str,
    minimum: int,
    included: int,
    hours: tuple[str, str],
    reaction: int | None,
    limit: int | None,
    rate: str,
) -> None:
    plan = Plan.objects.get(code=code)
    assert plan.price_model == "monthly"
    assert plan.price_net == Decimal(price)
    assert plan.minimum_months == minimum
    assert plan.included_minutes == included
    assert plan.allotment_period == ("month" if included else "none")
    # No plan covers weekends or holidays except by individual terms.
    assert week(plan.calendar.code) == weekdays(*hours)
    assert plan.calendar.observes_holidays is True
    assert plan.guaranteed_monthly_minutes == limit
    assert plan.hourly_rate_net == Decimal(rate)
    # R-HRS-2: documentation time (about 5 minutes) counts.
    assert plan.documentation_minutes == 5
    if reaction is None:
        assert targets(plan) == {}
    else:
        # R-SLA-5: the guarantee applies to e-mail tickets only.
        assert targets(plan)[("", "email")] == (reaction, plan.calendar.code)
        assert channels(plan)["email"] == (None, True)
        assert all(not g for ch, (_, g) in channels(plan).items() if ch != "email")


def test_r_pln_2_ship_channels_and_work_kinds(presets: None) -> None:
    community = Plan.objects.get(code="SHIP-COMMUNITY")
    assert set(channels(community)) == {"forum", "email"}
    assert community.channels.get(channel="email").restriction == "Tylko zgłoszenia błędów"
    assert set(channels(Plan.objects.get(code="SHIP-EMAIL"))) == {"forum", "email"}  # no phone
    start = Plan.objects.get(code="SHIP-START")
    assert {"phone", "remote"} <= set(channels(start))
    # R-HRS-2: remote per started 30 min, phone per started 15, e-mail not from the package.
    assert billing(start) == {
        "phone": (15, True),
        "consultation": (15, True),
        "remote": (30, True),
        "email": (0, False),
    }
    assert "programming" not in billing(start)  # START: no programming work
    standard = Plan.objects.get(code="SHIP-STANDARD")
    assert billing(standard)["programming"] == (30, True)
    # Critical problems may be reported on days off: a 7-17 clock on every day.
    assert targets(standard)[("critical", "email")] == (240, "SHIP-STANDARD-DAYSOFF")
    assert week("SHIP-STANDARD-DAYSOFF") == every_day("07:00", "17:00")
    assert WorkingCalendar.objects.get(code="SHIP-STANDARD-DAYSOFF").observes_holidays is False
    for code in ("SHIP-START", "SHIP-STANDARD", "SHIP-PREMIUM"):
        assert Plan.objects.get(code=code).single_point_of_contact is True  # R-PPL-2


def test_r_pln_2_ship_premium_is_individual_and_round_the_clock(presets: None) -> None:
    premium = Plan.objects.get(code="SHIP-PREMIUM")
    assert premium.price_model == "individual"
    assert premium.price_net is None
    assert week(premium.calendar.code) == every_day("00:00", "00:00")
    assert premium.calendar.observes_holidays is False
    assert premium.queue_priority > Plan.objects.get(code="SHIP-STANDARD").queue_priority


# --- KJM (R-PLN-3, R-PLN-4, R-SLA-4, R-HRS-1, R-CON-1, R-CON-2) ------------------------


def test_r_pln_3_kjm_care(presets: None) -> None:
    care = Plan.objects.get(code="KJM-CARE")
    assert care.price_model == "monthly"
    assert care.unlimited_support is True
    assert care.includes_annual_updates is True
    assert care.includes_account_manager is True
    assert care.queue_priority > Plan.objects.get(code="KJM-PACKAGE").queue_priority  # R-Q-1
    assert care.activation == "next_month"  # R-CON-1
    assert (care.customer_notice_days, care.vendor_notice_days) == (30, 30)  # R-CON-2
    assert week(care.calendar.code) == weekdays("07:00", "16:00")
    assert care.out_of_hours_emergency_only is True
    # R-SLA-4: 2 h for a critical outage, the night 22:00-7:00 excluded, every day.
    assert targets(care) == {("critical", ""): (120, "KJM-DUTY")}
    assert week("KJM-DUTY") == every_day("07:00", "22:00")
    # R-CH-1: mobile and general line 7-16 on weekdays, e-mail always.
    assert channels(care) == {
        "mobile": ("KJM-WORK", True),
        "phone": ("KJM-WORK", True),
        "email": (None, True),
    }
    assert {p.code for p in care.products.all()} == {"soot", "f-k", "kadry-place"}


def test_r_pln_3_kjm_package(presets: None) -> None:
    package = Plan.objects.get(code="KJM-PACKAGE")
    assert package.price_model == "one_off_package"
    assert package.allotment_period == "validity"
    assert package.included_minutes == 180
    assert package.package_validity_months == 3
    assert package.requires_valid_package is True  # R-HRS-3
    assert package.includes_annual_updates is False
    assert package.includes_account_manager is False
    assert targets(package) == {}  # no reaction guarantee
    assert channels(package) == {"email": (None, True), "phone": ("KJM-WORK", True)}
    # R-HRS-1: rounded to the (started) half hour; out-of-hours emergencies count twice.
    assert package.intervention_rounding_minutes == 30
    assert package.rounding == "up"
    assert package.out_of_hours_multiplier == Decimal("2")


def test_r_scp_1_kjm_scope_lists(presets: None) -> None:
    care = Plan.objects.get(code="KJM-CARE")
    kinds = {item.kind for item in care.scope_items.all()}
    assert kinds == {"included", "excluded", "referred"}
    assert care.scope_items.filter(kind="included").count() == 4
    referred = care.scope_items.get(kind="referred")
    assert "sprzęt" in referred.refer_to


def test_r_pln_4_kjm_add_ons(presets: None) -> None:
    care = Plan.objects.get(code="KJM-CARE")
    add_ons = {a.code: a for a in care.add_ons.all()}
    assert set(add_ons) == {"KJM-EXT-HOURS", "KJM-NIGHT", "KJM-NONSTOP", "KJM-DWH"}
    extended = week("KJM-EXTENDED")
    assert extended == {d: [("07:00", "22:00")] for d in range(6)}  # 7-22 plus Saturdays
    assert week("KJM-NONSTOP") == every_day("00:00", "00:00")
    night = week("KJM-NIGHT")
    assert night[0] == [("07:00", "16:00"), ("22:00", "07:00")]  # overnight interval
    assert add_ons["KJM-DWH"].product is not None
    assert add_ons["KJM-DWH"].product.name == "Hurtownia Danych"


# --- PWSK (R-PLN-5, R-SCP-2, R-SCP-4, R-CON-5) ----------------------------------------


def test_r_pln_5_pwsk(presets: None) -> None:
    basic = Plan.objects.get(code="PWSK-BASIC")
    assert basic.price_model == "free"
    assert basic.price_net == Decimal("0.00")
    assert basic.eligibility_months == 12  # R-CON-5
    assert week(basic.calendar.code) == weekdays("08:00", "16:00")
    assert set(channels(basic)) == {"email", "phone"}
    assert basic.scope_items.filter(kind="included").count() == 4  # R-SCP-2
    assert basic.scope_items.filter(kind="excluded").count() == 8

    supervision = Plan.objects.get(code="PWSK-SUPERVISION")
    assert supervision.price_model == "yearly_per_seat"
    assert supervision.price_net == Decimal("400.00")
    assert supervision.allotment_period == "month"  # R-HRS-4: no carry-over
    assert supervision.included_minutes == 8 * 60
    assert supervision.queue_priority > basic.queue_priority
    tasks = {t.code for t in supervision.maintenance_tasks.all()}  # R-SCP-4
    assert tasks == {"integrity-check", "defragmentation", "backup-supervision"}


# --- EKS (R-CH-5, R-SLA-6, R-SCP-3) ---------------------------------------------------


def test_r_sla_6_eks_hotline(presets: None) -> None:
    hotline = Plan.objects.get(code="EKS-HOTLINE")
    assert hotline.requires_form is True
    assert hotline.acknowledgement == "next_working_day"
    assert week(hotline.calendar.code) == weekdays("08:00", "16:00")
    # Phone on working days 8-16; fax, e-mail and the portal 24/7.
    assert channels(hotline) == {
        "phone": ("EKS-WORK", True),
        "fax": (None, True),
        "email": (None, True),
        "portal": (None, True),
    }
    assert hotline.scope_items.filter(kind="included").count() == 3  # R-SCP-3


# --- MER (R-PLN-6) --------------------------------------------------------------------


def test_r_pln_6_mer(presets: None) -> None:
    sos = Plan.objects.get(code="MER-SOS")
    assert targets(sos) == {("", ""): (48 * 60, "MER-WORK")}
    assert week("MER-WORK") == weekdays("08:00", "16:00")
    assert sos.includes_account_manager is True
    assert sos.includes_annual_updates is True
    assert sos.price_model == "monthly"
    assert {t.code for t in sos.maintenance_tasks.all()} == {"database-review"}
    licence = Plan.objects.get(code="MER-SOS-LICENCE")
    assert licence.term_months == 3
    assert licence.allotment_period == "month"
    assert licence.included_minutes == 6 * 60
    assert sos.queue_priority == licence.queue_priority > 0  # priority over non-contract


# --- Loading --------------------------------------------------------------------------


def test_it_loads_twice_without_changing_anything(presets: None) -> None:
    before = list(Plan.objects.order_by("code").values_list("code", "updated_at"))
    events = AuditEvent.objects.count()
    tallies = actions.load_presets(list(presets_module().PRESETS))
    assert all(t.changed == 0 for t in tallies.values())
    assert list(Plan.objects.order_by("code").values_list("code", "updated_at")) == before
    assert AuditEvent.objects.count() == events


def presets_module():
    return presets


def test_it_rolls_back_everything_when_one_preset_fails(
    db: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = actions._load_vendor

    def fail_on_mer(data, tally):
        if data["vendor"]["code"] == "mer":
            raise RuntimeError("disk on fire")
        return real(data, tally)

    monkeypatch.setattr(actions, "_load_vendor", fail_on_mer)
    with pytest.raises(RuntimeError):
        actions.load_presets(list(presets.PRESETS))
    assert Vendor.objects.count() == 0
    assert Plan.objects.count() == 0
    assert AuditEvent.objects.count() == 0


def test_it_rejects_an_unknown_preset_by_name(db: None) -> None:
    with pytest.raises(presets.PresetError, match="unknown preset 'acme'"):
        actions.load_presets(["kjm", "acme"])
    assert Vendor.objects.count() == 0


def test_it_names_an_unknown_key_in_a_preset_file(monkeypatch: pytest.MonkeyPatch) -> None:
    import tomllib

    real = tomllib.loads

    def with_typo(text: str):
        data = real(text)
        data["plans"][0]["minimum_month"] = 3
        return data

    monkeypatch.setattr(tomllib, "loads", with_typo)
    with pytest.raises(
        presets.PresetError,
        match=r"ship.toml plans SHIP-COMMUNITY: unknown key\(s\) \['minimum_month'\]",
    ):
        presets.read("ship")


def test_it_parses_day_ranges_and_overnight_intervals() -> None:
    parsed = presets._parse_week("x", {"mon-sun": ["22:00-07:00"], "sat": ["09:00-12:00"]})
    assert (5, dt.time(9), dt.time(12)) in parsed
    assert (0, dt.time(22), dt.time(7)) in parsed
    assert len(parsed) == 8
    with pytest.raises(presets.PresetError, match="bad interval"):
        presets._parse_week("x", {"mon": ["9-17"]})
    with pytest.raises(presets.PresetError, match="bad day range"):
        presets._parse_week("x", {"mon-fry": ["09:00-17:00"]})


def test_r_sla_4_the_presets_ship_the_plans_own_words_for_severity() -> None:
    actions.load_presets(list(presets.PRESETS))
    care = Plan.objects.get(code="KJM-CARE")
    critical = care.severity_wordings.get(severity="critical")
    assert "na żadnym stanowisku" in critical.text("pl")
    assert "cannot be used on any workstation" in critical.text("en")
    assert care.severity_wordings.count() == 3
    assert not Plan.objects.get(code="SHIP-COMMUNITY").severity_wordings.exists()
    # The setting is the vendor's, not the preset's: off for every seed plan.
    assert not Plan.objects.filter(portal_counts_as_email=True).exists()
    # Loading again changes nothing.
    assert not any(t.changed for t in actions.load_presets(list(presets.PRESETS)).values())


def test_a_preset_severity_wording_without_both_languages_is_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    real = presets.read

    def broken(name: str) -> dict:
        data = real(name)
        data["plans"][0]["severities"] = [{"severity": "critical", "pl": "Awaria", "en": ""}]
        return data

    monkeypatch.setattr(presets, "read", broken)
    with pytest.raises(presets.PresetError, match="severities"):
        actions.load_presets(["kjm"])
    assert not Plan.objects.exists()
