"""A support manager's contract desk in a real browser (issue 17, "Done when", the parts
on main): quote and accept KJM care (active from the 1st of next month), sell a KJM
package to a waiting customer (the ticket is released), record a PWSK update date (an
ineligible ticket becomes eligible), and the queue order with the vendor's pin setting
off and on (R-Q-1). Runs on SQLite and PostgreSQL (CI runs the suite on both)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from opiekun.catalog.models import Plan
from opiekun.contracts import actions as contract_actions
from opiekun.contracts import licences
from opiekun.contracts.models import Contract, HourBank
from opiekun.customers import actions as customer_actions
from opiekun.staff.models import StaffMember
from opiekun.tariff.periods import add_months, next_month_start
from opiekun.testing.browser import check_page, sign_in_verified
from opiekun.testing.personas import Personas, make_personas
from opiekun.tickets import actions
from opiekun.tickets.models import Ticket

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


@pytest.fixture
def people(presets: None) -> Personas:
    p = make_personas(None, "KJM-PACKAGE")
    StaffMember.objects.filter(pk=p.account_manager.pk).update(is_manager=True)
    return p


def see(page: Any, text: str) -> None:
    page.get_by_text(text).first.wait_for()


def test_a_managers_contract_desk(
    chromium: Any, live_server: Any, people: Personas, screenshots: Path
) -> None:
    base = live_server.url
    today = timezone.localdate()
    waiting = actions.open_ticket(
        people.org_b, channel="email", subject="Czeka na pakiet", contact=people.customer_b
    )
    assert waiting.status == "awaiting_package"
    office = customer_actions.create_organisation("Apteka Pod Lipą", "apteka")
    pwsk = contract_actions.record_active_contract(
        office, Plan.objects.get(code="PWSK-BASIC"), number="PW/1", starts_on=dt.date(2024, 1, 1)
    )
    licences.record(pwsk, "purchase", add_months(today, -14))
    lapsed = actions.open_ticket(office, channel="email", subject="Nie liczy VAT")
    assert lapsed.free_support_ended_on is not None

    manager = sign_in_verified(chromium, base, people.account_manager.user)

    # 1. Quote KJM care for customer A and accept it: it starts on the 1st of next month.
    manager.goto(f"{base}/console/customers/{people.org_a.pk}/")
    quote = manager.locator("form", has=manager.get_by_role("button", name="Zapisz ofertę"))
    quote.locator("#quote-plan").select_option("KJM-CARE")
    quote.locator("#quote-price").fill("650,00")
    quote.get_by_role("button", name="Zapisz ofertę").click()
    see(manager, "Zapisano ofertę.")
    check_page(manager)
    manager.get_by_role("button", name="Przyjmij").click()
    see(manager, "Oferta została przyjęta.")
    care = Contract.objects.get(organisation=people.org_a)
    assert (care.status, care.starts_on) == ("accepted", next_month_start(today))
    assert str(care.price_net) == "650.00"
    manager.screenshot(path=screenshots / "contract-accepted.png", full_page=True)

    # 2. Sell the waiting customer a KJM package: the ticket goes back to the queue.
    manager.goto(f"{base}/console/customers/{people.org_b.pk}/")
    manager.locator("#sell-plan").select_option("KJM-PACKAGE")
    manager.get_by_role("button", name="Sprzedaj").click()
    see(manager, "Sprzedano: 180 min")
    assert HourBank.objects.filter(kind="package", contract__organisation=people.org_b).count() == 1
    waiting.refresh_from_db()
    assert waiting.status != "awaiting_package"

    # 3. Record the pharmacy's update: its lapsed ticket is in free support again.
    manager.goto(f"{base}/console/tickets/{lapsed.pk}/")
    see(manager, "Brak prawa do bezpłatnej pomocy od")
    manager.goto(f"{base}/console/customers/{office.pk}/")
    licence = manager.locator("form", has=manager.locator(f"#licence-on-{pwsk.pk}"))
    licence.locator(f"#licence-kind-{pwsk.pk}").select_option("update")
    licence.locator(f"#licence-on-{pwsk.pk}").fill(today.isoformat())
    licence.get_by_role("button", name="Zapisz").click()
    see(manager, "Zapisano datę licencji.")
    lapsed.refresh_from_db()
    assert lapsed.free_support_ended_on is None
    manager.goto(f"{base}/console/tickets/{lapsed.pk}/")
    assert manager.get_by_text("Brak prawa do bezpłatnej pomocy").count() == 0

    # 4. The queue (R-Q-1): a care customer's question before a package customer's outage,
    # unless KJM puts critical outages first.
    shop = customer_actions.create_organisation("Sklep Opieka", "sklep")
    contract_actions.record_active_contract(
        shop, Plan.objects.get(code="KJM-CARE"), number="C/9", starts_on=dt.date(2026, 1, 1)
    )
    actions.open_ticket(shop, channel="email", subject="Pytanie opiekowanego")
    actions.open_ticket(
        people.org_b, channel="email", subject="Awaria pakietowa", severity="critical"
    )

    def order() -> list[str]:
        manager.goto(f"{base}/console/?status=open")
        rows = manager.locator("#queue-rows tr, table tbody tr").all_inner_texts()
        found = [
            s for row in rows for s in ("Pytanie opiekowanego", "Awaria pakietowa") if s in row
        ]
        return found

    assert order() == ["Pytanie opiekowanego", "Awaria pakietowa"]
    manager.goto(f"{base}/console/plans/")
    kjm = Plan.objects.get(code="KJM-CARE").vendor_id
    pin = manager.locator("form", has=manager.locator(f"#pin-v{kjm}"))
    pin.locator(f"#pin-v{kjm}").check()
    pin.get_by_role("button", name="Zapisz").click()
    see(manager, "Zapisano kolejność kolejki.")
    assert order() == ["Awaria pakietowa", "Pytanie opiekowanego"]
    assert Ticket.objects.get(subject="Awaria pakietowa").pinned
