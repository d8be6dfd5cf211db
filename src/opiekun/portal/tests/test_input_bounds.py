"""No input gives a 5xx (issue 13) on the web: the portal's and the console's forms
refuse what the database cannot store or a date outside the window, on the field, in the
reader's language, and store nothing."""

from __future__ import annotations

import pytest
from django.test import Client

from opiekun.catalog.models import Plan
from opiekun.testing.personas import Personas
from opiekun.tickets import actions
from opiekun.tickets.models import Appointment, Message, Ticket

pytestmark = pytest.mark.django_db


def client_of(p: Personas, who: str) -> Client:
    client = Client()
    client.force_login(p.user(who))
    return client


def hot01(**changes: str) -> dict[str, str]:
    return {
        "subject": "Pytanie",
        "description": "Opis",
        "severity": "normal",
        "return_channel": "portal",
        **changes,
    }


def test_it_refuses_the_hot01_form_with_what_cannot_be_stored(
    contracted_personas: Personas,
) -> None:
    # HOT-01 is the form of plans that ask for it (issue 16); customer A's plan now does.
    Plan.objects.filter(code="KJM-CARE").update(requires_form=True)
    customer = client_of(contracted_personas, "customer_a")
    for changes, shown in (
        ({"subject": "a\x00b"}, ""),  # Django's own check of every form text field
        ({"subject": "a\x1bb"}, "U+001B"),
        ({"description": "a\x07b"}, "U+0007"),
        ({"subject": "x" * 301}, "300"),
        ({"form_sign": "x" * 101}, "100"),
        ({"form_date": "0001-01-01"}, "2000-01-01"),
        ({"form_date": "9999-12-31"}, "2099-12-31"),
    ):
        page = customer.post("/portal/tickets/new", hot01(**changes))
        assert page.status_code == 200, changes
        [field] = changes
        errors = page.context["form"].errors.get(field)
        assert errors, changes  # on the field it is about
        assert shown in " ".join(errors), (changes, errors)
    assert not Ticket.objects.exists()
    taken = customer.post("/portal/tickets/new", hot01(form_date="2026-02-27"))
    assert taken.status_code == 302
    assert str(Ticket.objects.get().form_date) == "2026-02-27"


def test_a_reply_or_an_answer_with_a_nul_is_refused_not_a_500(
    contracted_personas: Personas,
) -> None:
    p = contracted_personas
    ticket = actions.open_ticket(p.org_a, channel="email", subject="x", contact=p.customer_a)
    customer = client_of(p, "customer_a")
    # Refused on the field, the page shown again (status 400), as the console does.
    page = customer.post(f"/portal/tickets/{ticket.pk}/reply", {"body": "a\x00b"})
    assert page.status_code == 400 and "U+0000" in page.content.decode()
    agent = client_of(p, "agent")
    for action in ("answer", "note"):
        # Refused on the field, the page shown again with the typed text (status 400).
        page = agent.post(f"/console/tickets/{ticket.pk}/{action}", {"body": "a\x00b"})
        assert page.status_code == 400 and "U+0000" in page.content.decode(), action
    assert not Message.objects.exists()


def test_a_session_booked_in_the_year_9999_is_refused_by_name(
    contracted_personas: Personas,
) -> None:
    p = contracted_personas
    ticket = actions.open_ticket(p.org_a, channel="phone", subject="x", contact=p.customer_a)
    page = client_of(p, "agent").post(
        f"/console/tickets/{ticket.pk}/book-session",
        {"starts_at": "9999-12-31T22:00", "minutes": "480"},
        follow=True,
    )
    assert page.status_code == 200 and "starts_at: " in page.content.decode()
    assert not Appointment.objects.exists()


def test_integers_beyond_the_columns_in_pages_are_not_a_500(contracted_personas: Personas) -> None:
    p = contracted_personas
    ticket = actions.open_ticket(p.org_a, channel="email", subject="x", contact=p.customer_a)
    huge = "92233720368547758080"
    agent = client_of(p, "agent")
    assert agent.get("/console/", {"organisation_id": huge, "q": "a\x00"}).status_code == 200
    assert agent.get(f"/console/tickets/{huge}/").status_code == 404
    assert agent.get(f"/console/customers/{huge}/").status_code == 404
    scope = agent.post(f"/console/tickets/{ticket.pk}/scope", {"item": huge})
    assert scope.status_code == 400 and 'id="scope-item-errors"' in scope.content.decode()
    customer = client_of(p, "customer_a")
    assert customer.get(f"/portal/tickets/{huge}/").status_code == 404
    assert customer.get(f"/portal/statements/{huge}/").status_code == 404


def test_a_cancelled_session_with_a_nul_in_its_reason_is_refused_by_name(
    contracted_personas: Personas,
) -> None:
    import datetime as dt

    from django.utils import timezone

    p = contracted_personas
    ticket = actions.open_ticket(p.org_a, channel="phone", subject="x", contact=p.customer_a)
    start = timezone.now() + dt.timedelta(days=1)
    session = actions.book_remote_session(
        ticket, staff=p.agent, starts_at=start, ends_at=start + dt.timedelta(hours=1)
    )
    page = client_of(p, "agent").post(
        f"/console/sessions/{session.pk}/cancel", {"reason": "a\x00b"}, follow=True
    )
    assert page.status_code == 200 and "reason: " in page.content.decode()
    session.refresh_from_db()
    assert session.status == "confirmed"
