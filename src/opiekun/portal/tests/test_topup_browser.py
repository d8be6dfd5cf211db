"""Issue 21, item 4 in a real browser (Debian's chromium): the KJM package customer whose
question waits for a package is offered one; on a phone-sized window she reads why on
her home page, accepts it on the hours page, and the question goes ahead (R-HRS-3).
Screenshots go to test-output/screenshots/."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from opiekun.contracts import topup
from opiekun.contracts.models import HourBank, TopUpOffer
from opiekun.testing.browser import PHONE, check_page, sign_in
from opiekun.testing.personas import make_personas
from opiekun.tickets import actions
from opiekun.tickets.models import Ticket

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def test_issue_21_item_4_the_customer_accepts_the_offer_and_the_ticket_goes_ahead(
    chromium: Any, live_server: Any, presets: None, screenshots: Path
) -> None:
    p = make_personas("KJM-CARE", "KJM-PACKAGE")
    waiting = actions.open_ticket(
        p.org_b, channel="email", subject="Zamknięcie roku", contact=p.customer_b
    )
    assert waiting.status == Ticket.Status.AWAITING_PACKAGE
    (offer,) = topup.make_due_offers()

    page = sign_in(chromium, live_server.url, "p-customer-b", viewport=PHONE)
    notice = page.locator(".offer-notice")
    notice.get_by_text("nie zostały żadne godziny; pytania czekają na pakiet").wait_for()
    check_page(page)
    page.screenshot(path=screenshots / "portal-topup-home.png", full_page=True)
    notice.get_by_role("link", name="Przyjmij lub odrzuć propozycję").click()
    page.wait_for_url("**/portal/hours/**")
    card = page.locator(f"#offer-{offer.pk}")
    assert "proponujemy 3 h (1 pakiet KJM-PACKAGE)" in card.inner_text()
    check_page(page)
    page.screenshot(path=screenshots / "portal-topup-offer.png", full_page=True)
    card.get_by_role("button", name="Przyjmij i kup").click()
    page.get_by_text("Dziękujemy: dodano 3 h").wait_for()
    assert page.locator(f"#offer-{offer.pk}").count() == 0

    offer.refresh_from_db()
    assert offer.status == TopUpOffer.Status.ACCEPTED
    assert HourBank.objects.get(kind="package").sale_key == f"topup-offer-{offer.pk}"
    waiting.refresh_from_db()
    assert waiting.status == Ticket.Status.NEW
    page.goto(f"{live_server.url}/portal/")
    row = page.locator("tr", has_text=waiting.reference)
    assert "czeka na pakiet" not in row.inner_text().lower()
