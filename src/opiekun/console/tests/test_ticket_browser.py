"""The ticket page in a real browser (Debian's chromium, Playwright): an agent confirms
receipt of a phone question, starts work, times the call with the page's timer (under
Playwright's fake clock, so nothing depends on how fast the machine is), logs it, sees a
refused entry come back with its text, adds a note with a screenshot that previews
inline, and walks the ticket through waiting, resolved, closed and reopened; every
field is labelled, and the history shows it all."""

from __future__ import annotations

import datetime as dt
import struct
import zlib
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from opiekun.contracts import banks
from opiekun.testing.browser import check_page, sign_in
from opiekun.testing.personas import Personas, make_personas
from opiekun.tickets import actions
from opiekun.tickets.models import Ticket

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def png(width: int, height: int) -> bytes:
    """A real image (grey pixels), so the browser must decode what the preview serves."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    rows = b"".join(b"\x00" + b"\x80" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


@pytest.fixture
def people(presets: None) -> Personas:
    p = make_personas("KJM-CARE", "SHIP-START")  # B: SHIP START, phone work from 3 h a month
    assert p.contract_b is not None
    banks.ensure_month_banks(p.contract_b, timezone.localdate())
    return p


def click_and_see(page: Any, button: str, message: str) -> None:
    page.get_by_role("button", name=button, exact=True).click()
    page.get_by_text(message).first.wait_for()


def test_an_agent_times_a_call_and_walks_the_ticket_through_its_states(
    chromium: Any, live_server: Any, people: Personas, screenshots: Path, tmp_path: Path
) -> None:
    p = people
    ticket = actions.open_ticket(
        p.org_b, channel="phone", subject="Etykiety się nie drukują", contact=p.customer_b
    )
    base = live_server.url
    agent = sign_in(chromium, base, "p-agent")
    # The timer reads Date.now: a fake clock moves it on demand, the server is untouched.
    agent.clock.install(time=dt.datetime.now(dt.UTC))
    agent.goto(f"{base}/console/tickets/{ticket.pk}/")

    click_and_see(agent, "Potwierdź przyjęcie", "Przyjęcie zgłoszenia jest potwierdzone")
    click_and_see(agent, "Rozpocznij pracę", "Praca nad zgłoszeniem się rozpoczęła.")
    assert agent.get_by_role("button", name="Rozpocznij pracę").count() == 0

    # The call: the timer runs 4 min 10 s and fills 5 minutes (a started minute counts).
    agent.get_by_role("button", name="Włącz stoper").click()
    agent.clock.fast_forward("04:10")
    agent.locator(".timer-clock").get_by_text("4:10").wait_for()
    agent.get_by_role("button", name="Zatrzymaj i wpisz minuty").click()
    assert agent.get_by_label("Minuty", exact=True).input_value() == "5"
    agent.get_by_label("Rodzaj").select_option("phone")
    agent.get_by_label("Co zrobiono").fill("Ustawienia sterownika drukarki")
    agent.locator("#work-preview").get_by_text("min").first.wait_for()  # htmx preview
    click_and_see(agent, "Zapisz pracę", "Zapisano: 5 min")
    assert ticket.work_logs.get().raw_minutes == 5

    # A refused entry comes back with the error on its field and the text kept.
    agent.get_by_label("Minuty", exact=True).fill("2000")
    agent.get_by_label("Co zrobiono").fill("Za długi wpis")
    agent.get_by_role("button", name="Zapisz pracę").click()
    agent.locator("#work-minutes-errors").wait_for()
    assert agent.get_by_label("Co zrobiono").input_value() == "Za długi wpis"
    assert ticket.work_logs.count() == 1

    # A note with a screenshot: stored on the note, shown inline on the page.
    shot = tmp_path / "ekran.png"
    shot.write_bytes(png(40, 30))
    agent.get_by_label("Notatka wewnętrzna").fill("Zrzut ekranu od klienta")
    agent.locator("#note-attachments").set_input_files(str(shot))
    click_and_see(agent, "Dodaj notatkę", "Notatka została zapisana.")
    preview = agent.locator("figure.preview img")
    assert preview.get_attribute("alt") == "ekran.png"
    # Decoded by the browser: served inline, same origin, allowed by the page's CSP.
    preview.scroll_into_view_if_needed()
    agent.wait_for_function("() => document.querySelector('figure.preview img').naturalWidth")
    assert preview.evaluate("img => [img.naturalWidth, img.naturalHeight]") == [40, 30]

    click_and_see(agent, "Czekaj na klienta", "Zgłoszenie czeka na klienta")
    agent.get_by_text("Zegar stoi od").wait_for()
    click_and_see(agent, "Klient odpowiedział", "Zegar znów biegnie.")
    click_and_see(agent, "Rozwiąż", "Zgłoszenie jest rozwiązane.")
    click_and_see(agent, "Zamknij", "Zgłoszenie jest zamknięte.")
    assert agent.get_by_role("button", name="Rozwiąż", exact=True).count() == 0
    click_and_see(agent, "Otwórz ponownie", "Zgłoszenie jest znów otwarte.")
    ticket = Ticket.objects.get(pk=ticket.pk)
    assert ticket.status == "reopened" and ticket.acknowledged_at is not None

    history = agent.locator("#history").inner_text()
    for line in ("Potwierdzono przyjęcie", "Zapisano pracę", "Dołączono plik", "Zamknięto"):
        assert line in history, line
    check_page(agent)
    agent.screenshot(path=screenshots / "console-ticket-states.png", full_page=True)
