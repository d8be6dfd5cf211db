"""The customer's files and the rating in a real browser (issue 16, items 3 and 6): the
KJM care customer downloads the file of the answer, replies with two files and sees
them listed, a program is refused in Polish; once the ticket is resolved the customer
rates it, and the rating reaches the manager's SLA report."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from opiekun.testing.browser import check_page, sign_in
from opiekun.testing.personas import Personas, make_personas
from opiekun.tickets import actions
from opiekun.tickets.models import Message, Rating

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]
PDF = b"%PDF-1.4 instrukcja\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(64))


@pytest.fixture
def people(presets: None) -> Personas:
    return make_personas("KJM-CARE", "SHIP-START")


def test_files_both_ways_then_a_rating_that_reaches_the_sla_report(
    chromium: Any, live_server: Any, people: Personas, screenshots: Path, tmp_path: Path
) -> None:
    base = live_server.url
    p = people
    ticket = actions.open_ticket(
        p.org_a, channel="portal", subject="Awaria wydruku", contact=p.customer_a
    )
    actions.answer(
        ticket, staff=p.agent, body="Instrukcja w załączniku", files=[("instrukcja.pdf", PDF)]
    )

    customer = sign_in(chromium, base, "p-customer-a")
    customer.goto(f"{base}/portal/tickets/{ticket.pk}/")
    with customer.expect_download() as got:
        customer.get_by_role("link", name="instrukcja.pdf").click()
    assert Path(got.value.path()).read_bytes() == PDF

    shot, log, program = tmp_path / "ekran.png", tmp_path / "log.txt", tmp_path / "faktura.pdf"
    shot.write_bytes(PNG)
    log.write_bytes(b"ERROR 42\n")
    program.write_bytes(b"MZ\x90\x00" + bytes(60))
    customer.get_by_label("Twoja wiadomość").fill("Nadal nie działa, zrzut i log.")
    customer.get_by_label("Załączniki").set_input_files([str(program), str(shot)])
    customer.get_by_role("button", name="Wyślij", exact=True).click()
    customer.get_by_role("alert").get_by_text("faktura.pdf to program").wait_for()
    # The text stays; nothing was stored.
    assert (
        customer.get_by_label("Twoja wiadomość").input_value() == "Nadal nie działa, zrzut i log."
    )
    assert not ticket.messages.filter(direction=Message.Direction.INBOUND).exists()
    customer.get_by_label("Załączniki").set_input_files([str(shot), str(log)])
    customer.get_by_role("button", name="Wyślij", exact=True).click()
    customer.get_by_text("Wiadomość została dodana.").wait_for()
    for name in ("instrukcja.pdf", "ekran.png", "log.txt"):
        customer.get_by_role("link", name=name).wait_for()
    check_page(customer)
    customer.screenshot(path=screenshots / "portal-ticket-files.png", full_page=True)

    actions.resolve(ticket)
    customer.reload()
    customer.get_by_label("4", exact=True).check()
    customer.get_by_label("Komentarz").fill("Pomogło, dziękuję")
    customer.get_by_role("button", name="Wyślij ocenę").click()
    customer.get_by_text("Dziękujemy za ocenę.").wait_for()
    customer.screenshot(path=screenshots / "portal-rated.png", full_page=True)
    rating = Rating.objects.get()
    assert (rating.ticket_id, rating.score, rating.comment) == (ticket.pk, 4, "Pomogło, dziękuję")

    manager = sign_in(chromium, base, "p-opiekun")
    month = timezone.localdate().strftime("%Y-%m")
    manager.goto(f"{base}/console/reports/sla/?from={month}&to={month}")
    row = manager.locator("tr", has_text="Firma A")
    row.wait_for()
    assert "4,00" in row.inner_text() or "4.00" in row.inner_text()
    manager.goto(f"{base}/console/tickets/{ticket.pk}/")
    manager.locator("#rating").get_by_text("Pomogło, dziękuję").wait_for()
    manager.screenshot(path=screenshots / "console-rating.png", full_page=True)
