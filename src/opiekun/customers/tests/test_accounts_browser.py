"""Issue 16, accounts in a real browser (Debian's chromium, Playwright), on SQLite and
PostgreSQL alike: an organisation's administrator invites a colleague from the portal;
the colleague sets a password from the e-mail (read back from an SMTP server), later
resets it from the login page, and sees their own ticket only; the administrator sees
the colleague's ticket."""

from __future__ import annotations

import re
import time
from email.header import decode_header, make_header
from email.message import Message
from typing import Any

import pytest

from opiekun.customers.models import Contact
from opiekun.testing.browser import check_page, sign_in
from opiekun.testing.personas import Personas, make_personas
from opiekun.tickets import actions

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]
FIRST = "Pierwsze-hasło-2026"
SECOND = "Drugie-hasło-2026"


@pytest.fixture
def people(presets: None) -> Personas:
    return make_personas("KJM-CARE", "SHIP-START")


def _body(message: Message) -> str:
    payload = message.get_payload(decode=True)
    assert isinstance(payload, bytes)
    return payload.decode(message.get_content_charset() or "utf-8")


def _mail_to(sink: Any, address: str, count: int) -> Message:
    # The server takes the mail on its own thread: wait until it has it.
    for _attempt in range(100):
        found = [m for m in sink.messages if m["To"] == address]
        if len(found) >= count:
            return found[count - 1]
        time.sleep(0.05)
    raise AssertionError(f"no mail number {count} to {address}")


def _set_password(chromium: Any, url: str, password: str) -> None:
    page = chromium.new_context(locale="pl-PL").new_page()
    page.goto(url)
    page.get_by_label("Nowe hasło", exact=True).fill(password)
    page.get_by_label("Nowe hasło ponownie").fill(password)
    page.get_by_role("button", name="Ustaw hasło").click()
    page.wait_for_url("**/login/reset/done")


def test_an_administrator_invites_a_colleague_who_signs_in_and_resets_the_password(
    chromium: Any, live_server: Any, people: Personas, smtp_sink: Any
) -> None:
    base = live_server.url
    admin = sign_in(chromium, base, "p-customer-a")
    admin.get_by_role("link", name="Osoby").click()
    form = admin.locator("form[action$='/portal/contacts/invite']")
    form.get_by_label("Imię i nazwisko").fill("Cezary Kolega")
    form.get_by_label("E-mail").fill("cezary@a.example")
    form.get_by_role("button", name="Wyślij zaproszenie").click()
    admin.get_by_text("Cezary Kolega otrzymuje zaproszenie e-mailem.").wait_for()
    check_page(admin)

    invitation = _mail_to(smtp_sink, "cezary@a.example", 1)
    assert str(make_header(decode_header(invitation["Subject"]))) == (
        "Twój dostęp do portalu klienta"
    )
    link = re.search(r"https?://\S+/login/invitation/\S+/", _body(invitation))
    assert link, _body(invitation)
    _set_password(chromium, link.group(0), FIRST)

    colleague = Contact.objects.get(full_name="Cezary Kolega")
    own = actions.open_ticket(
        people.org_a, channel="email", subject="Sprawa Cezarego", contact=colleague
    )
    actions.open_ticket(
        people.org_a, channel="email", subject="Sprawa Adama", contact=people.customer_a
    )
    page = sign_in(chromium, base, "cezary@a.example", FIRST)
    page.get_by_text("Sprawa Cezarego").wait_for()
    assert "Sprawa Adama" not in page.content()
    assert page.get_by_role("link", name="Osoby").count() == 0

    # The administrator sees the colleague's ticket and opens it.
    admin.goto(f"{base}/portal/")
    admin.get_by_role("link", name=own.reference).click()
    admin.wait_for_url(f"**/portal/tickets/{own.pk}/")
    assert "Sprawa Cezarego" in admin.content()

    # A forgotten password: reset from the login page, by e-mail.
    reset = chromium.new_context(locale="pl-PL").new_page()
    reset.goto(f"{base}/login/")
    reset.get_by_role("link", name="Nie pamiętasz hasła?").click()
    reset.get_by_label("Adres e-mail").fill("cezary@a.example")
    reset.get_by_role("button", name="Wyślij link").click()
    reset.wait_for_url("**/login/reset/sent")
    mail = _mail_to(smtp_sink, "cezary@a.example", 2)
    link = re.search(r"https?://\S+/login/reset/\S+/", _body(mail))
    assert link, _body(mail)
    _set_password(chromium, link.group(0), SECOND)
    again = sign_in(chromium, base, "cezary@a.example", SECOND)
    again.get_by_text("Sprawa Cezarego").wait_for()
