"""The second journey in a real browser: an agent turns an answered ticket into an
article and publishes it; the customer finds it by searching other forms of the words;
the customer asks on the forum, the agent answers, accepts and opens a ticket from it;
the dashboards draw their charts; the customer approves a statement; English works; and
every page visited has a label on every field and fits a phone."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from opiekun.contracts import banks
from opiekun.contracts.models import StatementApproval
from opiekun.knowledge.models import Article, ForumThread
from opiekun.testing.browser import PHONE, check_page, sign_in
from opiekun.testing.history import october_statement
from opiekun.testing.personas import Personas, make_personas
from opiekun.tickets import actions

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


@pytest.fixture
def people(presets: None) -> Personas:
    people = make_personas("KJM-CARE", "SHIP-START")  # B's SHIP plan opens the forum
    assert people.contract_b is not None
    banks.ensure_month_banks(people.contract_b, timezone.localdate())  # 3 h (R-HRS-4)
    return people


def test_article_forum_dashboards_and_statement_in_the_browser(
    chromium: Any, live_server: Any, people: Personas, screenshots: Path
) -> None:
    base = live_server.url
    p = people
    ticket = actions.open_ticket(
        p.org_b,
        channel="portal",
        subject="Drukarka nie drukuje etykiet kurierskich",
        description="Po aktualizacji Zebra drukuje puste etykiety.",
        contact=p.customer_b,
    )
    actions.answer(
        ticket,
        staff=p.agent,
        body="Proszę wybrać sterownik ZDesigner i format A6.",
        documentation_ref="Podręcznik, rozdz. 4.2",
    )

    agent = sign_in(chromium, base, "p-agent")
    agent.goto(f"{base}/console/tickets/{ticket.pk}/")
    agent.get_by_role("button", name="Zrób artykuł do bazy wiedzy").click()
    agent.get_by_role("button", name="Opublikuj").click()
    agent.get_by_text("Artykuł jest opublikowany").wait_for()
    article = Article.objects.get()
    assert article.status == "published" and article.source_ticket == ticket
    check_page(agent)
    agent.screenshot(path=screenshots / "console-article.png", full_page=True)

    customer = sign_in(chromium, base, "p-customer-b", viewport=PHONE)
    customer.goto(f"{base}/portal/kb/")
    customer.get_by_label("Szukaj w bazie wiedzy").fill("drukarki etykieta")
    customer.get_by_role("button", name="Szukaj").click()
    customer.get_by_role("link", name="Drukarka nie drukuje etykiet kurierskich").click()
    customer.get_by_text("Podręcznik, rozdz. 4.2").wait_for()
    check_page(customer)
    customer.screenshot(path=screenshots / "portal-kb-article.png", full_page=True)

    customer.get_by_role("link", name="Forum").click()
    customer.get_by_role("link", name="Zapytaj społeczność").click()
    customer.get_by_label("Temat").fill("Jak wydrukować etykietę A6 na drukarce A4?")
    customer.get_by_label("Pytanie").fill("Mam tylko drukarkę laserową A4.")
    check_page(customer)
    customer.get_by_role("button", name="Opublikuj pytanie").click()
    customer.get_by_text("Twoje pytanie jest na forum.").wait_for()
    thread = ForumThread.objects.get()

    agent.goto(f"{base}/console/forum/{thread.pk}/")
    agent.get_by_label("Odpowiedz na forum").fill("Drukuj 4 etykiety A6 na arkuszu A4.")
    agent.get_by_role("button", name="Opublikuj odpowiedź").click()
    agent.get_by_role("button", name="Oznacz jako zaakceptowaną odpowiedź").click()
    agent.get_by_text("Zaakceptowana odpowiedź").first.wait_for()
    agent.screenshot(path=screenshots / "console-forum-thread.png", full_page=True)
    agent.get_by_role("button", name="Zamień pytanie w zgłoszenie").click()
    agent.wait_for_url("**/console/tickets/*/")
    thread.refresh_from_db()
    assert thread.ticket is not None and thread.ticket.channel == "forum"
    customer.goto(f"{base}/portal/forum/{thread.pk}/")
    customer.get_by_text("Drukuj 4 etykiety A6 na arkuszu A4.").wait_for()
    customer.screenshot(path=screenshots / "portal-forum-thread.png", full_page=True)

    agent.goto(f"{base}/console/dashboards/")
    agent.locator("svg.chart").nth(2).wait_for()
    assert agent.locator("svg.chart").count() == 3
    assert agent.locator("svg.chart rect").count() > 3  # bars, not just the frame
    check_page(agent)
    agent.screenshot(path=screenshots / "console-dashboards.png", full_page=True)

    october = october_statement(p, subject="Konfiguracja kuriera")
    customer.goto(f"{base}/portal/statements/")
    customer.get_by_role("link", name=october.number).click()
    check_page(customer)
    customer.get_by_role("button", name="Zatwierdź zestawienie").click()
    customer.get_by_text("Miesiąc jest zamknięty.").first.wait_for()
    assert StatementApproval.objects.get().statement == october
    customer.screenshot(path=screenshots / "portal-statement.png", full_page=True)

    # An agent on a phone: the queue and a ticket fit the screen, every field labelled.
    pocket = sign_in(chromium, base, "p-agent", viewport=PHONE)
    for url in ("/console/", f"/console/tickets/{ticket.pk}/", "/console/reports/sla/"):
        pocket.goto(base + url)
        check_page(pocket)
    pocket.keyboard.press("Tab")  # the first stop is the skip link
    assert pocket.evaluate("document.activeElement.className") == "skip"

    customer.get_by_label("Język").select_option("en")
    customer.get_by_role("link", name="Knowledge base").wait_for()
    customer.goto(f"{base}/portal/")
    assert "My tickets" in customer.inner_text("header")
    check_page(customer)
