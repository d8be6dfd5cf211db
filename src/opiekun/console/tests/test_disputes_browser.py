"""Issue 21's "done when" for disputes, in a real browser: the customer questions a
30-minute phone entry on the portal's statement, cannot approve while it is open, the
agent corrects it to 15 minutes from the console, the statement is issued again and the
customer approves the new one. Both sides see the dispute and its history."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from opiekun.contracts.models import Statement, StatementApproval
from opiekun.reports import statements
from opiekun.reports.models import Dispute
from opiekun.testing.browser import PHONE, check_page, sign_in
from opiekun.testing.personas import Personas
from opiekun.tickets import actions

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]
W = ZoneInfo("Europe/Warsaw")


def test_a_questioned_phone_entry_is_corrected_the_statement_reissued_and_approved(
    chromium: Any, live_server: Any, contracted_personas: Personas, screenshots: Path
) -> None:
    p = contracted_personas
    assert p.contract_b is not None
    ticket = actions.open_ticket(
        p.org_b,
        channel="phone",
        subject="Etykiety kuriera",
        contact=p.customer_b,
        received_at=dt.datetime(2026, 10, 5, 9, tzinfo=W),
    )
    work = actions.log_work(
        ticket,
        staff=p.agent,
        kind="phone",
        raw_minutes=30,
        started_at=dt.datetime(2026, 10, 5, 10, tzinfo=W),
        note="Rozmowa o etykietach",
    )
    original = statements.issue(p.contract_b, dt.date(2026, 10, 1))
    line = original.lines.get(kind="work")
    base = live_server.url

    customer = sign_in(chromium, base, "p-customer-b", viewport=PHONE)
    customer.goto(f"{base}/portal/statements/{original.pk}/")
    customer.get_by_role("link", name=f"Zakwestionuj pozycję {line.position}").click()
    customer.get_by_label("Co jest nie tak z tą pozycją?").fill("Rozmowa trwała 15 minut")
    check_page(customer)
    customer.get_by_role("button", name="Wyślij zastrzeżenie").click()
    customer.get_by_text("Zastrzeżenie wysłano do dostawcy").wait_for()
    dispute = Dispute.objects.get()
    assert (dispute.work_log_id, dispute.status) == (work.pk, "open")
    # An open dispute stops the approval, with a message that says why.
    customer.get_by_role("button", name="Zatwierdź zestawienie").click()
    customer.get_by_text("reklamacja dotycząca tego miesiąca jest otwarta").wait_for()
    assert not StatementApproval.objects.exists()
    assert "Rozmowa trwała 15 minut" in customer.inner_text("#disputes")
    check_page(customer)
    customer.screenshot(path=screenshots / "portal-statement-dispute.png", full_page=True)

    agent = sign_in(chromium, base, "p-agent")
    agent.get_by_role("link", name="Reklamacje").click()
    agent.locator("table a").first.click()
    agent.get_by_label("Faktycznie trwało (minuty)").fill("15")
    agent.get_by_label("Powód", exact=True).fill("Według nagrania 15 minut")
    check_page(agent)
    agent.screenshot(path=screenshots / "console-dispute.png", full_page=True)
    agent.get_by_role("button", name="Uwzględnij i wystaw zestawienie ponownie").click()
    agent.get_by_text("Reklamację uwzględniono").wait_for()
    reissued = Statement.objects.get(corrects=original)
    corrected = reissued.lines.get(kind="work")
    assert (corrected.raw_minutes, corrected.ticket_reference) == (15, ticket.reference)
    assert "Według nagrania 15 minut" in agent.inner_text("#disputes")

    customer.goto(f"{base}/portal/statements/")
    customer.get_by_role("link", name=reissued.number).click()
    assert "Według nagrania 15 minut" in customer.inner_text("#disputes")
    customer.get_by_role("button", name="Zatwierdź zestawienie").click()
    customer.get_by_text(f"Zestawienie {reissued.number} jest zatwierdzone").wait_for()
    assert StatementApproval.objects.get().statement_id == reissued.pk
