"""An agent's day in the console, in a real browser (issue 15, "Done when"): a phone call
from the caller box becomes a ticket with the call running, the timer and the end of the
call log the work; the ticket is assigned to a colleague, who sees it in the inbox,
answers with a canned response in Polish and a file, tags and resolves it; another agent
finds it by a word of the customer's question; two tickets are merged; the history
shows all of it; and the customer's view shows the answer, never the internal steps.
Runs on SQLite and PostgreSQL (CI runs the suite on both)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from opiekun.console.tests.test_ticket_browser import png
from opiekun.staff import actions as staff_actions
from opiekun.testing.browser import check_page, sign_in
from opiekun.testing.personas import PASSWORD, Personas, make_personas
from opiekun.tickets import actions
from opiekun.tickets.models import Ticket

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

QUESTION = "Drukarka Zebra zacina etykiety przy wydruku faktur."


@pytest.fixture
def people(presets: None) -> Personas:
    return make_personas("KJM-CARE", "SHIP-START")


def see(page: Any, text: str) -> None:
    page.get_by_text(text).first.wait_for()


def test_an_agents_day_in_the_console(
    chromium: Any, live_server: Any, people: Personas, screenshots: Path, tmp_path: Path
) -> None:
    colleague = staff_actions.create_staff_member(
        "p-tomasz", full_name="Tomasz Kolega", email="tomasz@vendor.example", password=PASSWORD
    )
    actions.save_response(
        None,
        vendor=None,
        title="Powitanie",
        body_pl="Dzień dobry {contact_name}, w sprawie {reference}: ",
        body_en="Hello {contact_name}, about {reference}: ",
    )
    earlier = actions.open_ticket(
        people.org_a, channel="email", subject="Drukarka znowu", contact=people.customer_a
    )
    actions.customer_message(
        earlier, contact=people.customer_a, body="Głowica drukarki piszczy.", channel="email"
    )
    base = live_server.url

    # 1. The phone rings: the caller box knows the number; a ticket with the call running.
    agent = sign_in(chromium, base, "p-agent")
    agent.clock.install(time=dt.datetime.now(dt.UTC))
    agent.goto(f"{base}/console/caller?number=%2B48601000001")
    agent.locator("#caller-ticket").wait_for()
    form = agent.locator("#caller-ticket")
    form.get_by_label("Temat").fill("Etykiety zacinają się w drukarce")
    form.get_by_label("Pytanie").fill(QUESTION)
    form.get_by_role("button", name="Zarejestruj zgłoszenie i zacznij rozmowę").click()
    see(agent, "Etykiety zacinają się w drukarce")
    ticket = Ticket.objects.get(subject="Etykiety zacinają się w drukarce")
    assert ticket.channel == "phone" and ticket.call_started_at is not None
    agent.wait_for_load_state("load")  # the timer's script is bound
    agent.get_by_role("button", name="Włącz stoper").click()
    agent.get_by_role("button", name="Zatrzymaj i wpisz minuty").wait_for()
    agent.clock.fast_forward("05:30")  # a started minute counts: 6
    agent.get_by_role("button", name="Zatrzymaj i wpisz minuty").click()
    assert agent.get_by_label("Minuty", exact=True).input_value() == "6"
    agent.locator("#call-box").get_by_label("Co zrobiono").fill("Wyczyszczono głowicę")
    agent.get_by_role("button", name="Zakończ rozmowę i zapisz jej czas").click()
    agent.locator("#call-box").wait_for(state="detached")
    work = ticket.work_logs.get()
    assert work.kind == "phone" and work.note == "Wyczyszczono głowicę"
    assert Ticket.objects.get(pk=ticket.pk).call_started_at is None

    # 2. Assigned to a colleague, with an audit line and a notification for them.
    agent.locator("#assignment").get_by_label("Przydziel do").select_option(label=str(colleague))
    agent.locator("#assignment").get_by_role("button", name="Przydziel", exact=True).click()
    agent.locator("#assignment").get_by_text("Tomasz Kolega").first.wait_for()
    assert Ticket.objects.get(pk=ticket.pk).assignee == colleague

    # 3. The colleague sees it in the inbox and answers, with a file, then resolves it.
    tomasz = sign_in(chromium, base, "p-tomasz")
    tomasz.goto(f"{base}/console/notifications/")
    see(tomasz, "Przydzielone Tobie")
    tomasz.get_by_role("link", name=ticket.reference).first.click()
    see(tomasz, "Etykiety zacinają się w drukarce")
    shot = tmp_path / "ustawienia.png"
    shot.write_bytes(png(20, 20))
    answer = tomasz.locator("#answer")
    # A canned response in the contact's language (Polish), its placeholders filled in.
    tomasz.get_by_label("Gotowy tekst", exact=False).select_option(label="Powitanie")
    tomasz.get_by_role("button", name="Wstaw").click()
    box = answer.get_by_label("Odpowiedź", exact=True)
    tomasz.wait_for_function(
        "() => document.querySelector('#answer-body').value.startsWith('Dzień dobry')"
    )
    assert box.input_value() == f"Dzień dobry Adam Klient, w sprawie {ticket.reference}:"
    box.press("End")
    box.type(" prosimy ustawić szerokość etykiety na 100 mm (zrzut w załączniku).")
    answer.locator("input[type=file]").set_input_files(str(shot))
    answer.get_by_role("button", name="Wyślij odpowiedź").click()
    see(tomasz, "zrzut w załączniku")
    out = ticket.messages.get(direction="out")
    assert out.attachments.get().filename == "ustawienia.png"
    tomasz.locator("#note").get_by_label("Notatka wewnętrzna").fill("Sprawdzić firmware @p-opiekun")
    tomasz.get_by_role("button", name="Dodaj notatkę").click()
    see(tomasz, "Notatka została zapisana.")
    tomasz.get_by_label("Dodaj etykiety", exact=False).fill("drukarka, sterownik")
    tomasz.locator("section[aria-labelledby=tags-heading]").get_by_role(
        "button", name="Dodaj", exact=True
    ).click()
    tomasz.locator("ul.tags").get_by_text("sterownik").wait_for()
    assert sorted(t.name for t in ticket.tags.all()) == ["drukarka", "sterownik"]
    tomasz.get_by_role("button", name="Rozwiąż", exact=True).click()
    see(tomasz, "Zgłoszenie jest rozwiązane.")
    assert Ticket.objects.get(pk=ticket.pk).status == "resolved"

    # 4. Another agent finds the resolved ticket by a word of the customer's question.
    manager = sign_in(chromium, base, "p-opiekun")
    manager.goto(f"{base}/console/?q=faktury")
    manager.get_by_role("link", name=ticket.reference).first.wait_for()
    manager.goto(f"{base}/console/notifications/")
    see(manager, "Wzmianka o Tobie w notatce")  # the @mention in the note

    # 5. The earlier ticket of the same customer is merged into this one.
    manager.goto(f"{base}/console/tickets/{earlier.pk}/")
    manager.get_by_label("Scal to zgłoszenie z", exact=False).fill(ticket.reference)
    manager.get_by_role("button", name="Scal", exact=True).click()
    manager.get_by_text(ticket.reference).first.wait_for()
    assert Ticket.objects.get(pk=earlier.pk).merged_into_id == ticket.pk
    assert ticket.messages.filter(body_text="Głowica drukarki piszczy.").exists()

    # 6. The history shows the day.
    manager.goto(f"{base}/console/tickets/{ticket.pk}/")
    history = manager.locator("#history").inner_text()
    for line in ("Otwarto zgłoszenie", "Zapisano pracę", "Przydzielono", "Udzielono odpowiedzi"):
        assert line in history, line
    check_page(manager)
    manager.screenshot(path=screenshots / "console-day-ticket.png", full_page=True)

    # 7. The customer sees the answer and its file, none of the internal steps.
    customer = sign_in(chromium, base, "p-customer-a")
    customer.goto(f"{base}/portal/tickets/{ticket.pk}/")
    see(customer, "szerokość etykiety na 100 mm")
    page = customer.content()
    for internal in ("Sprawdzić firmware", "Wyczyszczono głowicę", "Przydzielono", "sterownik"):
        assert internal not in page, internal
    assert people.customer_a.organisation_id == ticket.organisation_id
