"""Guard rails in setup (issue 17, item 7): a plan cannot be saved so that no work can
be logged under it, and no add form of the admin breaks (core/tests/test_admin.py)."""

from __future__ import annotations

import tomllib

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from django.utils import translation

from opiekun.catalog import presets
from opiekun.catalog.billing_needs import missing_work_kinds
from opiekun.catalog.models import BillingRule, Plan
from opiekun.core.tests.test_admin import form_as_it_opens
from opiekun.demo import load as demo
from opiekun.testing.signin import verified_login


def test_each_open_channel_needs_a_rule_for_its_work() -> None:
    assert missing_work_kinds(["phone", "portal", "forum"], ["phone"]) == ["email"]
    assert missing_work_kinds(["mobile", "remote"], ["phone", "remote"]) == []
    assert missing_work_kinds([], []) == []


def test_every_seed_plan_has_its_rules() -> None:
    for name in presets.PRESETS:
        presets.read(name)  # raises on a plan that misses one


def test_a_preset_plan_without_rules_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    real = tomllib.loads

    def without_phone_rule(text: str):
        data = real(text)
        plan = data["plans"][0]
        plan["billing"] = [b for b in plan["billing"] if b["kind"] != "phone"]
        return data

    monkeypatch.setattr(tomllib, "loads", without_phone_rule)
    with pytest.raises(presets.PresetError, match="KJM-CARE: no billing rule for phone work"):
        presets.read("kjm")


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["pl", "en"])
def test_the_admin_refuses_a_plan_whose_channels_no_rule_bills(
    presets: None, client: Client, language: str
) -> None:
    demo.load_demo()
    verified_login(client, User.objects.get(username="kierownik"))
    client.cookies["django_language"] = language
    plan = Plan.objects.get(code="SHIP-START")
    url = reverse("admin:catalog_plan_change", args=[plan.pk])
    form = form_as_it_opens(client.get(url).content.decode())
    rules = sorted(k for k in form if k.startswith("billing_rules-") and k.endswith("-id"))
    assert rules  # the rules are on the page
    for key in rules:
        if form[key] and BillingRule.objects.get(pk=form[key]).work_kind == "phone":
            form[key.removesuffix("-id") + "-DELETE"] = "on"
    response = client.post(url, form)
    assert response.status_code == 200  # shown again, with the reason
    text = response.content.decode()
    expected = {
        "en": "add a billing rule for phone",
        "pl": "dodaj regułę rozliczania dla: telefon",
    }[language]
    assert expected in text
    assert plan.billing_rules.filter(work_kind="phone").exists()  # nothing was saved

    # Without the phone channel the same plan saves: nothing brings phone work.
    for key in [k for k in form if k.startswith("channels-") and k.endswith("-channel")]:
        if form[key] == "phone":
            form[key.removesuffix("-channel") + "-DELETE"] = "on"
    assert client.post(url, form).status_code == 302
    assert not plan.billing_rules.filter(work_kind="phone").exists()
    assert not plan.channels.filter(channel="phone").exists()


def test_tax_numbers_are_checked_and_kept_compact() -> None:
    from django.core.exceptions import ValidationError

    from opiekun.core.taxids import normalise_tax_id

    assert normalise_tax_id("526-025-02-74") == "5260250274"
    assert normalise_tax_id("PL 526 025 02 74") == "5260250274"
    assert normalise_tax_id("de136695976") == "DE136695976"  # an EU customer's VAT number
    for wrong in ("526-025-02-75", "12345", "DE000"):
        with translation.override("en"), pytest.raises(ValidationError, match="not a valid tax"):
            normalise_tax_id(wrong)


def test_phone_numbers_are_taken_as_people_type_them() -> None:
    from opiekun.core.phones import normalise_phone

    for typed in ("533 928 838", "+48 533-928-838", "0048 533 928 838", "(+48) 533928838"):
        assert normalise_phone(typed) == "+48533928838", typed


@pytest.mark.django_db
def test_the_admin_takes_a_typed_phone_and_nip_and_refuses_a_wrong_one(
    presets: None, client: Client
) -> None:
    from opiekun.customers.models import Organisation

    demo.load_demo()
    verified_login(client, User.objects.get(username="kierownik"))
    client.cookies["django_language"] = "en"
    url = reverse("admin:customers_organisation_add")
    form = form_as_it_opens(client.get(url).content.decode())
    form.update(
        name="Urząd Gminy Nowa", short_name="ug-nowa", phone="533 928 838", tax_id="526-025-02-75"
    )
    refused = client.post(url, form)
    assert refused.status_code == 200
    assert "526-025-02-75 is not a valid tax number" in refused.content.decode()
    form["tax_id"] = "526-025-02-74"
    assert client.post(url, form).status_code == 302
    org = Organisation.objects.get(short_name="ug-nowa")
    assert (org.phone, org.tax_id) == ("+48533928838", "5260250274")


@pytest.mark.django_db
def test_a_calendar_needs_a_holiday_country_the_holidays_package_knows() -> None:
    from django.core.exceptions import ValidationError

    from opiekun.catalog.models import WorkingCalendar

    calendar = WorkingCalendar(code="X", name="X", holiday_country="XX")
    with pytest.raises(ValidationError) as refused:
        calendar.full_clean()
    assert "XX is not a country whose public holidays are known" in str(refused.value)
    calendar.holiday_country = "DE"
    calendar.full_clean()
