"""Issue 16, "Done when": one journey per seed vendor's customer, in a real browser, on
SQLite and PostgreSQL alike. Each customer asks on the portal in the form their plan
gives (HOT-01 for the EKS office, a plain form elsewhere), sees what they will get
before sending, and then receives the receipt and the answer by e-mail, read back from
a real SMTP server, in their own language."""

from __future__ import annotations

from email.header import decode_header, make_header
from typing import Any

import pytest

from opiekun.celery import app
from opiekun.customers.models import Contact
from opiekun.testing.browser import check_page, sign_in
from opiekun.testing.mailservers import SmtpSink
from opiekun.testing.personas import make_personas
from opiekun.tickets import actions
from opiekun.tickets.models import Ticket

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

# plan, the contact's language, the words of the receipt and of the answer's notice
SEEDS = [
    ("KJM-CARE", "pl", "Przyjęliśmy zgłoszenie", "Odpowiedź na zgłoszenie"),
    ("SHIP-STANDARD", "en", "We have received your request", "Your request was answered"),
    ("PWSK-SUPERVISION", "pl", "Przyjęliśmy zgłoszenie", "Odpowiedź na zgłoszenie"),
    ("MER-SOS", "en", "We have received your request", "Your request was answered"),
]


@pytest.fixture
def eager() -> Any:
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = False


def subjects(sink: SmtpSink, to: str) -> list[str]:
    return [str(make_header(decode_header(m["Subject"]))) for m in sink.messages if m["To"] == to]


@pytest.mark.parametrize(("plan", "language", "receipt", "answered"), SEEDS)
def test_a_seed_customer_asks_and_hears_back_in_their_language(
    chromium: Any,
    live_server: Any,
    presets: None,
    smtp_sink: SmtpSink,
    eager: None,
    plan: str,
    language: str,
    receipt: str,
    answered: str,
) -> None:
    p = make_personas(plan, None)
    Contact.objects.filter(pk=p.customer_a.pk).update(language=language)
    page = sign_in(chromium, live_server.url, "p-customer-a")
    page.goto(f"{live_server.url}/portal/tickets/new")
    page.locator("#promise").wait_for()
    assert page.locator("#promise").inner_text().strip()  # what they will get, before sending
    assert page.locator("#id_office_name").count() == 0  # not the public office's HOT-01
    page.locator("#id_subject").fill("Eksport do banku")
    page.locator("#id_description").fill("Plik eksportu jest pusty od wczoraj.")
    check_page(page)
    page.locator("form.card button[type=submit]").click()
    page.wait_for_url("**/portal/tickets/*/")
    ticket = Ticket.objects.get()
    assert ticket.channel == "portal"
    actions.answer(ticket, staff=p.agent, body="Proszę zaktualizować program do wersji 5.2.")
    page.reload()
    page.get_by_text("Proszę zaktualizować program do wersji 5.2.").wait_for()
    got = subjects(smtp_sink, "adam@a.example")
    assert f"[{ticket.reference}] {receipt}: Eksport do banku" in got
    assert f"[{ticket.reference}] {answered}: Eksport do banku" in got


def test_the_eks_office_files_hot01_and_hears_back_by_its_chosen_channel(
    chromium: Any, live_server: Any, presets: None, smtp_sink: SmtpSink, eager: None
) -> None:
    p = make_personas("EKS-HOTLINE", None)
    page = sign_in(chromium, live_server.url, "p-customer-a")
    page.goto(f"{live_server.url}/portal/tickets/new")
    page.get_by_label("Nazwa urzędu").fill("Urząd Gminy Przykładowo")
    page.get_by_label("Imię i nazwisko").fill("Adam Klient")
    page.get_by_label("Temat").fill("Wydruk zbiorczy")
    page.get_by_label("Pytanie").fill("Gdzie jest wydruk zbiorczy?")
    page.get_by_label("Odpowiedź przez").select_option("email")
    page.get_by_label("Telefon, faks lub e-mail do odpowiedzi").fill("urzad@gmina.example")
    page.get_by_role("button", name="Wyślij pytanie").click()
    page.wait_for_url("**/portal/tickets/*/")
    ticket = Ticket.objects.get()
    # R-CH-5, R-SLA-6: the confirmation goes by the form's return channel, to its address.
    actions.acknowledge_receipt(ticket, actor=p.agent.user)
    actions.answer(ticket, staff=p.agent, body="Menu Raporty, Wydruk zbiorczy.")
    to_office = subjects(smtp_sink, "urzad@gmina.example")
    assert f"[{ticket.reference}] Potwierdzenie przyjęcia pytania" in to_office
    assert f"Re: [{ticket.reference}] Wydruk zbiorczy" in to_office  # the answer, by e-mail
    assert ticket.messages.get(direction="out", body_text__startswith="Menu").channel == "email"
    page.reload()
    page.get_by_text("Menu Raporty, Wydruk zbiorczy.").wait_for()
