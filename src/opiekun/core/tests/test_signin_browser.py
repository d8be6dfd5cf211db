"""Issue 13 in a real browser (Debian's chromium): under the Content-Security-Policy the
pages, htmx, the language switch and the API docs (Swagger UI from this server) work
with no violation; an agent sets up two-factor sign-in in the console with a real TOTP
code and is asked for one at the next sign-in; the lockout page says what happened."""

from __future__ import annotations

import base64
import re
from pathlib import Path
from typing import Any

import pytest
from django_otp.oath import TOTP

from opiekun.testing.browser import check_page, sign_in
from opiekun.testing.personas import Personas
from opiekun.tickets import actions

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def watch(page: Any) -> list[str]:
    """Collects what the browser refused or failed on: CSP violations, script errors."""
    problems: list[str] = []
    page.on(
        "console",
        lambda m: (
            problems.append(m.text)
            if m.type == "error" or "Content Security Policy" in m.text
            else None
        ),
    )
    page.on("pageerror", lambda e: problems.append(str(e)))
    return problems


def code_for(secret: str, ahead: int = 0) -> str:
    totp = TOTP(base64.b32decode(secret), drift=ahead)
    return f"{totp.token():06d}"


def test_pages_and_docs_run_under_the_csp_and_two_factor_is_set_up(
    chromium: Any, live_server: Any, contracted_personas: Personas, screenshots: Path
) -> None:
    p = contracted_personas
    actions.open_ticket(p.org_a, channel="email", subject="Drukarka", contact=p.customer_a)
    base = live_server.url
    agent = sign_in(chromium, base, "p-agent")
    problems = watch(agent)
    agent.get_by_text("Drukarka").first.wait_for()
    agent.get_by_label("Dzwoniący").fill("601 000 001")  # htmx under the CSP
    agent.locator("#card").get_by_text("Firma A").first.wait_for()

    agent.get_by_role("link", name="Bezpieczeństwo").click()
    agent.get_by_role("button", name="Skonfiguruj logowanie dwuetapowe").click()
    secret = agent.locator("code.secret").inner_text()
    assert agent.locator(".qr svg").is_visible()
    check_page(agent)
    agent.screenshot(path=screenshots / "console-two-factor-setup.png", full_page=True)
    agent.get_by_label("Kod, który aplikacja pokazuje teraz").fill(code_for(secret))
    agent.get_by_role("button", name="Włącz").click()
    agent.get_by_text("Twoje kody odzyskiwania").wait_for()
    codes = agent.locator("ul.codes code").all_inner_texts()
    assert len(codes) == 10 and all(re.fullmatch(r"\w{8}", c) for c in codes)
    agent.screenshot(path=screenshots / "console-recovery-codes.png", full_page=True)

    # The header's language switch submits from app.js (no inline handler).
    agent.get_by_label("Język").select_option("en")
    agent.get_by_role("button", name="Sign out").wait_for()
    agent.get_by_role("button", name="Sign out").click()

    again = chromium.new_context(locale="pl-PL").new_page()
    problems += watch(again)
    again.goto(f"{base}/login/")
    again.get_by_label("Nazwa użytkownika").fill("p-agent")
    again.get_by_label("Hasło").fill("persona-password")
    again.get_by_role("button", name="Zaloguj").click()
    again.wait_for_url("**/login/verify?next=*")
    # The language chosen before follows the person (saved on the staff record).
    again.get_by_label("Code").fill(code_for(secret, 1))
    again.get_by_role("button", name="Verify").click()
    again.get_by_text("Drukarka").first.wait_for()

    again.goto(f"{base}/api/v1/docs")
    again.locator(".swagger-ui .info .title").wait_for()
    assert "opiekun API" in again.locator(".swagger-ui .info .title").inner_text()
    again.screenshot(path=screenshots / "api-docs.png", full_page=True)
    assert problems == []


def test_the_lockout_and_reset_pages(
    chromium: Any, live_server: Any, personas: Personas, screenshots: Path
) -> None:
    base = live_server.url
    page = chromium.new_context(locale="pl-PL").new_page()
    problems = watch(page)
    page.goto(f"{base}/login/")
    for n in range(5):
        page.get_by_label("Nazwa użytkownika").fill("p-customer-a")
        page.get_by_label("Hasło").fill(f"wrong-{n}")
        page.get_by_role("button", name="Zaloguj").click()
        page.wait_for_load_state()
    page.get_by_role("heading", name="Logowanie jest zablokowane").wait_for()
    check_page(page)
    page.screenshot(path=screenshots / "login-locked.png", full_page=True)
    page.get_by_role("link", name="Nie pamiętasz hasła?").click()
    page.get_by_label("Adres e-mail").fill("adam@a.example")
    page.get_by_role("button", name="Wyślij link").click()
    page.get_by_role("heading", name="Sprawdź pocztę").wait_for()
    # The 4xx the lockout answers with is logged by the browser; nothing else may be.
    assert [m for m in problems if "429" not in m] == []
