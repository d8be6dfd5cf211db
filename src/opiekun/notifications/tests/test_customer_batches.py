"""Issue 20, item 5: the beat's package-expiry notices cost the same statements over 3
packages as over 30, and still tell each active contact once, in their language."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from opiekun.catalog.models import Plan
from opiekun.contracts import actions as contract_actions
from opiekun.contracts import banks
from opiekun.contracts.models import HourBank
from opiekun.customers import actions as customer_actions
from opiekun.notifications import customer_actions as notices
from opiekun.notifications.customer_kinds import CustomerKind
from opiekun.notifications.customer_models import CustomerNotice
from opiekun.testing.personas import Personas

pytestmark = pytest.mark.django_db
W = ZoneInfo("Europe/Warsaw")


def packages(p: Personas, first: int, count: int, bought: dt.date) -> list[HourBank]:
    """``count`` packages bought on ``bought``, on contracts of A and B in turn."""
    plan = Plan.objects.get(code="KJM-PACKAGE")
    made = []
    for n in range(first, first + count):
        contract = contract_actions.record_active_contract(
            p.org_a if n % 2 == 0 else p.org_b, plan, number=f"P/{n}", starts_on=dt.date(2026, 1, 1)
        )
        made.append(banks.grant_package(contract, purchased_on=bought))
    return made


def test_issue_20_item_5_package_expiry_notices_cost_the_same_for_3_or_30_packages(
    personas: Personas,
    presets: None,
    eager_celery: None,
    django_capture_on_commit_callbacks,
) -> None:
    """R-HRS-3: a package lapses at the end of its validity; its organisation's active
    contacts hear of it 30 days before, once each, unless they switched it off."""
    ewa = customer_actions.add_contact(
        personas.org_a, "Ewa Klientka", emails=["ewa@a.example"], language="en"
    )
    notices.set_choices(personas.customer_b, {CustomerKind.PACKAGE_EXPIRY: False})
    runs = []
    for first, count, bought in ((0, 3, dt.date(2026, 3, 2)), (3, 30, dt.date(2026, 6, 2))):
        made = packages(personas, first, count, bought)
        expires = made[0].expires_at
        assert expires is not None
        mail.outbox.clear()
        with (
            django_capture_on_commit_callbacks(execute=True),
            CaptureQueriesContext(connection) as captured,
        ):
            count = notices.warn_expiring(expires - dt.timedelta(days=29))
        runs.append((made, count, len(captured), list(mail.outbox)))
    (few, told_3, cost_3, _sent_3), (many, told_30, cost_30, sent_30) = runs
    assert cost_3 == cost_30, (cost_3, cost_30)
    # Only A's packages: two active contacts each; B's contact chose not to hear.
    assert (told_3, told_30) == (2 * 2, 15 * 2)
    for bank in few + many:
        assert bank.expires_at is not None
        found = CustomerNotice.objects.filter(key=f"expiry:{bank.pk}")
        if bank.contract.organisation_id == personas.org_b.pk:
            assert not found.exists()
            continue
        assert sorted(n.contact_id for n in found) == sorted([personas.customer_a.pk, ewa.pk])
        for notice in found:
            assert notice.kind == CustomerKind.PACKAGE_EXPIRY
            assert notice.params == {
                "bank_id": bank.pk,
                "left": notices.hours(bank.contract.plan.included_minutes),
                "expires": f"{bank.expires_at.astimezone(W):%Y-%m-%d}",
            }
            assert notice.sent_at is not None and notice.recipient
    # Each one an e-mail, in its contact's language.
    assert sorted(m.to[0] for m in sent_30) == ["adam@a.example"] * 15 + ["ewa@a.example"] * 15
    english = [m for m in sent_30 if m.to == ["ewa@a.example"]]
    assert all(m.subject.startswith("Hour package expires on 2026-") for m in english)
    # The next hour's run finds every one told.
    last = many[0].expires_at
    assert last is not None
    assert notices.warn_expiring(last - dt.timedelta(days=28)) == 0
