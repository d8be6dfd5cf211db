"""In a real browser: an agent mentions a colleague in a note through the @ list; the
colleague's bell counts it, the inbox shows it, and the ticket page tells each of them
that the other is looking (issue 15, items 8 and 9)."""

from __future__ import annotations

from typing import Any

import pytest

from opiekun.notifications.models import Kind, Notification
from opiekun.testing.browser import check_page, sign_in
from opiekun.testing.personas import Personas
from opiekun.tickets import actions

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def test_a_mention_through_the_at_list_reaches_the_colleague_who_sees_who_is_looking(
    chromium: Any, live_server: Any, personas: Personas
) -> None:
    base = live_server.url
    ticket = actions.open_ticket(
        personas.org_a, channel="phone", subject="Drukarka", actor=personas.agent.user
    )
    agent = sign_in(chromium, base, "p-agent")
    agent.goto(f"{base}/console/tickets/{ticket.pk}/")
    note = agent.get_by_label("Notatka wewnętrzna")
    note.press_sequentially("Proszę spojrzeć @p-o")
    agent.get_by_role("button", name="@p-opiekun · Olgierd Opiekun").click()
    assert note.input_value() == "Proszę spojrzeć @p-opiekun "
    check_page(agent)
    agent.get_by_role("button", name="Dodaj notatkę").click()
    agent.get_by_text("Proszę spojrzeć @p-opiekun").wait_for()
    assert Notification.objects.filter(kind=Kind.MENTION).count() == 1

    manager = sign_in(chromium, base, "p-opiekun")
    manager.goto(f"{base}/console/")
    # The new ticket and the mention.
    manager.get_by_role("link", name="2 nowe powiadomienia").click()
    manager.get_by_text("Wzmianka o Tobie w notatce: Alicja Agent").wait_for()
    check_page(manager)
    manager.get_by_role("button", name="Otwórz").first.click()
    manager.get_by_text("To zgłoszenie oglądają też: Alicja Agent").wait_for()
    assert Notification.objects.filter(kind=Kind.MENTION).get().read_at is not None
    agent.reload()
    agent.get_by_text("To zgłoszenie oglądają też: Olgierd Opiekun").wait_for()
