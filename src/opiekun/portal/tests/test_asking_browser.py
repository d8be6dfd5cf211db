"""Issue 16 in a real browser (Debian's chromium), on SQLite and PostgreSQL alike: before
sending, the KJM care customer reporting a critical outage sees the 2 working hours on
the 7-22 clock; the SHIP COMMUNITY customer is pointed to the forum and to e-mail for
bugs; the EKS office files HOT-01 with the answer by e-mail and is told when receipt
will be confirmed. Screenshots go to test-output/screenshots/."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from opiekun.customers.models import Contact
from opiekun.testing.browser import check_page, sign_in
from opiekun.testing.personas import make_personas
from opiekun.tickets.models import Ticket

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def test_r_sla_4_kjm_care_sees_two_working_hours_before_sending(
    chromium: Any, live_server: Any, presets: None, screenshots: Path
) -> None:
    p = make_personas("KJM-CARE", "SHIP-COMMUNITY")
    Contact.objects.filter(pk=p.customer_a.pk).update(language="en")
    page = sign_in(chromium, live_server.url, "p-customer-a")
    page.goto(f"{live_server.url}/portal/tickets/new")
    promise = page.locator("#promise")
    promise.get_by_text("only for: critical outage").wait_for()
    page.get_by_label("Subject").fill("Nobody can work")
    page.get_by_label("Description").fill("The program does not start on any workstation.")
    page.get_by_label("Severity").select_option("critical")
    # htmx asks again as the severity changes: the e-mail channel's 2 hours on 7-22.
    email = promise.locator(".promise-alternative", has_text="pomoc@kjmsoft.pl")
    email.get_by_text("2 working hours").wait_for()
    assert "Mon-Sun 7-22" in email.inner_text()
    assert (
        "the system cannot be used on any workstation" in page.locator("#id_severity").inner_text()
    )
    check_page(page)
    page.screenshot(path=screenshots / "portal-ask-kjm.png", full_page=True)
    page.get_by_role("button", name="Send the question").click()
    ticket = Ticket.objects.get()
    page.wait_for_url(f"**/portal/tickets/{ticket.pk}/")
    assert (ticket.severity, ticket.channel) == ("critical", "portal")

    community = sign_in(chromium, live_server.url, "p-customer-b")
    community.goto(f"{live_server.url}/portal/tickets/new")
    box = community.locator("#promise")
    box.get_by_role("link", name="forum użytkowników").wait_for()
    assert "Tylko zgłoszenia błędów" in box.inner_text()
    assert "plan nie gwarantuje czasu reakcji" in box.inner_text()
    assert community.locator("#id_office_name").count() == 0
    community.screenshot(path=screenshots / "portal-ask-community.png", full_page=True)
    box.get_by_role("link", name="forum użytkowników").click()
    community.wait_for_url("**/portal/forum/")


def test_r_ch_5_the_eks_office_files_hot01(
    chromium: Any, live_server: Any, presets: None, screenshots: Path
) -> None:
    make_personas("EKS-HOTLINE", None)
    page = sign_in(chromium, live_server.url, "p-customer-a")
    page.goto(f"{live_server.url}/portal/tickets/new")
    page.get_by_role("heading", name="Nowe pytanie (formularz HOT-01)").wait_for()
    assert "Otrzymanie pytania potwierdzimy najpóźniej" in page.locator("#promise").inner_text()
    page.get_by_label("Nazwa urzędu").fill("Urząd Gminy Przykładowo")
    page.get_by_label("Imię i nazwisko").fill("Adam Klient")
    page.get_by_label("Temat").fill("Nie widzę funkcji wydruku")
    page.get_by_label("Pytanie").fill("Gdzie jest wydruk zbiorczy?")
    page.get_by_label("Odpowiedź przez").select_option("email")
    page.get_by_label("Telefon, faks lub e-mail do odpowiedzi").fill("urzad@gmina.example")
    check_page(page)
    page.screenshot(path=screenshots / "portal-ask-hot01.png", full_page=True)
    page.get_by_role("button", name="Wyślij pytanie").click()
    ticket = Ticket.objects.get()
    page.wait_for_url(f"**/portal/tickets/{ticket.pk}/")
    assert (ticket.office_name, ticket.return_channel, ticket.return_address) == (
        "Urząd Gminy Przykładowo",
        "email",
        "urzad@gmina.example",
    )
    assert ticket.ack_due_at is not None  # R-SLA-6: confirmed by the next working day
