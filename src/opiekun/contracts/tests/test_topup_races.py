"""Issue 21, item 4 against the real PostgreSQL: eight threads accept the same offer at
the same moment (a double click, two tabs, two colleagues) and one package is sold; two
beats at once make one offer."""

from __future__ import annotations

import pytest

from opiekun.catalog.actions import load_presets
from opiekun.catalog.presets import PRESETS
from opiekun.contracts import topup
from opiekun.contracts.models import HourBank, LedgerEntry, TopUpOffer
from opiekun.testing.personas import make_personas
from opiekun.testing.threads import run_in_threads
from opiekun.tickets import actions
from opiekun.tickets.models import Ticket


@pytest.mark.needs_postgres
@pytest.mark.django_db(transaction=True)
def test_issue_21_item_4_concurrent_accepts_sell_one_package() -> None:
    load_presets(list(PRESETS))
    p = make_personas("KJM-CARE", "KJM-PACKAGE")
    actions.open_ticket(p.org_b, channel="email", subject="VAT", contact=p.customer_b)
    (offer,) = topup.make_due_offers()
    buyer = p.user("customer_b")
    errors = run_in_threads(lambda n: topup.accept(offer, actor=buyer), 8)
    assert errors == []
    assert HourBank.objects.filter(kind="package").count() == 1
    assert LedgerEntry.objects.filter(kind="grant", bank__kind="package").count() == 1
    offer.refresh_from_db()
    assert offer.status == "accepted" and offer.sold_bank is not None
    assert Ticket.objects.get().status == Ticket.Status.NEW


@pytest.mark.needs_postgres
@pytest.mark.django_db(transaction=True)
def test_issue_21_item_4_two_beats_at_once_make_one_offer() -> None:
    load_presets(list(PRESETS))
    p = make_personas("KJM-CARE", "KJM-PACKAGE")
    actions.open_ticket(p.org_b, channel="email", subject="VAT", contact=p.customer_b)
    errors = run_in_threads(lambda n: topup.make_due_offers(), 4)
    assert errors == []
    assert TopUpOffer.objects.count() == 1
