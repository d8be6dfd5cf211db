"""The console is for staff only: customers and outsiders get 404 for every page, the
anonymous are sent to sign in (ARCHITECTURE rule 5)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import timezone

from opiekun.core.testing.personas import Personas
from opiekun.tickets import actions

pytestmark = pytest.mark.django_db


@pytest.fixture
def pages(contracted_personas: Personas) -> list[tuple[str, str]]:
    ticket = actions.open_ticket(
        contracted_personas.org_a,
        channel="email",
        subject="Tajne A",
        contact=contracted_personas.customer_a,
    )
    return [
        ("get", "/console/"),
        ("get", f"/console/tickets/{ticket.pk}/"),
        ("post", f"/console/tickets/{ticket.pk}/act"),
        ("get", f"/console/tickets/{ticket.pk}/work-preview?kind=phone&minutes=17"),
        ("get", f"/console/customers/{contracted_personas.org_a.pk}/"),
        ("get", "/console/caller?number=%2B48601000001"),
    ]


@pytest.mark.parametrize("who", ["customer_a", "customer_b", "outsider"])
def test_no_console_page_answers_anyone_but_staff(
    contracted_personas: Personas, pages: list[tuple[str, str]], who: str
) -> None:
    client = Client()
    client.force_login(contracted_personas.user(who))
    for method, url in pages:
        response = getattr(client, method)(url, {"action": "close"} if method == "post" else None)
        assert response.status_code == 404, (who, url)
    assert contracted_personas.org_a.tickets.get().status == "new"


def test_the_anonymous_are_sent_to_sign_in(pages: list[tuple[str, str]]) -> None:
    for method, url in pages:
        response = getattr(Client(), method)(url)
        assert response.status_code == 302 and response["Location"].startswith("/login/"), url


def test_an_agent_sees_the_queue_and_the_ticket(
    contracted_personas: Personas, pages: list[tuple[str, str]]
) -> None:
    client = Client()
    client.force_login(contracted_personas.user("agent"))
    assert "Tajne A" in client.get("/console/").content.decode()
    assert "Tajne A" in client.get(pages[1][1]).content.decode()
    preview = client.get(pages[3][1]).content.decode()
    assert "min" in preview


def test_r_ppl_3_the_caller_box_shows_the_card_or_says_the_number_is_unknown(
    contracted_personas: Personas, pages: list[tuple[str, str]]
) -> None:
    client = Client()
    client.force_login(contracted_personas.user("agent"))
    known = client.get("/console/caller", {"number": "601 000 001"}).content.decode()
    assert "Firma A" in known and "KJM-CARE" in known and "Tajne A" in known
    assert "+48601000001" in known  # the registered numbers are on the card
    unknown = client.get("/console/caller", {"number": "+48 500 500 500"}).content.decode()
    assert "+48500500500" in unknown and "Firma" not in unknown
    card = client.get(f"/console/customers/{contracted_personas.org_a.pk}/").content.decode()
    assert "Olgierd Opiekun" in card and "Adam Klient" in card


def test_r_ppl_2_the_billing_preview_draws_as_log_work_would(
    contracted_personas: Personas,
) -> None:
    p = contracted_personas  # B is on SHIP START: 180 min a month, single point of contact
    client = Client()
    client.force_login(p.user("agent"))
    own = actions.open_ticket(p.org_b, channel="phone", subject="x", contact=p.customer_b)
    someone = actions.open_ticket(p.org_b, channel="phone", subject="y")
    from opiekun.contracts import banks

    banks.ensure_month_banks(p.contract_b, timezone.localdate())  # type: ignore[arg-type]
    url = "/console/tickets/{}/work-preview?kind=phone&minutes=17"
    designated = client.get(url.format(own.pk)).content.decode()
    assert "30 min z puli" in designated and "zostanie 2 h 30 min" in designated
    other = client.get(url.format(someone.pk)).content.decode()
    assert "Nie od osoby wskazanej" in other and "30 min ponad pule" in other
    assert "z puli" not in other
    assert not own.work_logs.exists()  # a preview writes nothing
