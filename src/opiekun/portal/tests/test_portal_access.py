"""The portal shows a contact their own organisation's tickets only; another customer
and an outsider get 404, staff are sent to the console (R-CH-4, ARCHITECTURE rule 5)."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from opiekun.catalog.models import Plan
from opiekun.testing.personas import Personas
from opiekun.tickets import actions
from opiekun.tickets.models import Ticket

pytestmark = pytest.mark.django_db


def test_r_ch_4_another_customer_or_an_outsider_gets_404(contracted_personas: Personas) -> None:
    ticket = actions.open_ticket(
        contracted_personas.org_a,
        channel="email",
        subject="Tajne A",
        contact=contracted_personas.customer_a,
    )
    actions.add_note(ticket, staff=contracted_personas.agent, body="notatka wewnętrzna")
    for who in ("customer_b", "outsider", "agent"):
        client = Client()
        client.force_login(contracted_personas.user(who))
        assert client.get(f"/portal/tickets/{ticket.pk}/").status_code == 404, who
        assert client.post(f"/portal/tickets/{ticket.pk}/reply", {"body": "x"}).status_code == 404
    own = Client()
    own.force_login(contracted_personas.user("customer_a"))
    page = own.get(f"/portal/tickets/{ticket.pk}/").content.decode()
    assert "Tajne A" in page and "notatka wewnętrzna" not in page  # notes stay inside
    assert ticket.messages.filter(direction="in").count() == 0


def test_r_ch_5_the_hot01_form_opens_a_ticket_with_its_attachment(
    contracted_personas: Personas,
) -> None:
    # HOT-01 is the form of plans that ask for it (issue 16); customer A's plan now does.
    Plan.objects.filter(code="KJM-CARE").update(requires_form=True)
    client = Client()
    client.force_login(contracted_personas.user("customer_a"))
    scan = SimpleUploadedFile("pismo.pdf", b"%PDF-1.4 pismo", content_type="application/pdf")
    response = client.post(
        "/portal/tickets/new",
        {
            "subject": "Błąd wydruku",
            "description": "Nie drukuje się deklaracja.",
            "severity": "normal",
            "form_sign": "OR.123.2026",
            "requester_name": "Adam Klient",
            "office_name": "Urząd Gminy",
            "return_channel": "email",
            "return_address": "urzad@a.example",
            "attachment": scan,
        },
    )
    ticket = Ticket.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/portal/tickets/{ticket.pk}/"
    assert (ticket.channel, ticket.form_sign, ticket.return_address) == (
        "portal",
        "OR.123.2026",
        "urzad@a.example",
    )
    assert ticket.attachments.get().filename == "pismo.pdf"


def test_a_bad_form_says_what_is_wrong_and_writes_nothing(contracted_personas: Personas) -> None:
    client = Client()
    client.force_login(contracted_personas.user("customer_a"))
    response = client.post("/portal/tickets/new", {"subject": "", "description": ""})
    assert response.status_code == 200
    assert "errorlist" in response.content.decode()
    assert not Ticket.objects.exists()


def test_the_customer_sees_why_a_question_has_no_guaranteed_reaction(
    contracted_personas: Personas,
) -> None:
    ticket = actions.open_ticket(
        contracted_personas.org_a,
        channel="email",
        subject="Pytanie ogólne",
        contact=contracted_personas.customer_a,
    )
    client = Client()
    client.force_login(contracted_personas.user("customer_a"))
    page = client.get(f"/portal/tickets/{ticket.pk}/").content.decode()
    assert "bez gwarancji: plan gwarantuje reakcję tylko dla: awaria krytyczna" in page


def test_the_notifications_page_is_for_contacts_and_the_unsubscribe_link_for_its_token(
    contracted_personas: Personas,
) -> None:
    for who in ("outsider", "agent"):
        client = Client()
        client.force_login(contracted_personas.user(who))
        assert client.get("/portal/notifications/").status_code == 404, who
        assert client.post("/portal/notifications/", {"kinds": []}).status_code == 404, who
    anonymous = Client().get("/portal/notifications/")
    assert anonymous.status_code == 302 and "/login/" in anonymous["Location"]
    stranger = Client()
    assert stranger.get("/portal/unsubscribe/guessed-token/").status_code == 404
    assert stranger.post("/portal/unsubscribe/guessed-token/").status_code == 404
    own = Client()
    own.force_login(contracted_personas.user("customer_a"))
    assert "receipt" in own.get("/portal/notifications/").content.decode()
