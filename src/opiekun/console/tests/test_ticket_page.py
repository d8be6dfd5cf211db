"""The console's ticket page: one view per action, each behind the permission check, the
status buttons that apply to the ticket now, and refusals on their field in the
reader's language with the typed text kept (issue 15, items 1-3 and 11)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from opiekun.catalog.models import ScopeItem
from opiekun.console.ticket_page import buttons
from opiekun.console.urls import TICKET_ACTIONS
from opiekun.core.audit import events_for
from opiekun.core.models import AuditEvent
from opiekun.testing.personas import Personas
from opiekun.tickets import actions
from opiekun.tickets.models import Message, Ticket

pytestmark = pytest.mark.django_db


def client_of(p: Personas, who: str, **headers: Any) -> Client:
    client = Client(**headers)
    client.force_login(p.user(who))
    return client


@pytest.fixture
def ticket(contracted_personas: Personas) -> Ticket:
    p = contracted_personas
    return actions.open_ticket(p.org_a, channel="phone", subject="Faktura", contact=p.customer_a)


def valid_post(name: str, ticket: Ticket) -> dict[str, object]:
    """A post each action would accept from an agent."""
    item = ScopeItem.objects.filter(plan=ticket.contract.plan).first()  # type: ignore[union-attr]
    soon = timezone.localtime() + dt.timedelta(days=1)
    posts: dict[str, dict[str, object]] = {
        "answer": {"body": "Odpowiedź"},
        "note": {"body": "Notatka"},
        "work": {"kind": "phone", "minutes": "10"},
        "scope": {"item": item.pk if item else 0},
        "promise": {"answer_by": soon.strftime("%Y-%m-%dT%H:%M")},
    }
    return posts.get(name, {})


@pytest.mark.parametrize("who", ["customer_a", "customer_b", "outsider"])
@pytest.mark.parametrize("name", TICKET_ACTIONS)
def test_every_action_is_404_for_anyone_but_staff_and_changes_nothing(
    contracted_personas: Personas, ticket: Ticket, who: str, name: str
) -> None:
    events = AuditEvent.objects.count()
    client = client_of(contracted_personas, who)
    response = client.post(f"/console/tickets/{ticket.pk}/{name}", valid_post(name, ticket))
    assert response.status_code == 404
    ticket.refresh_from_db()
    assert ticket.status == "new" and ticket.answer_promised_at is None
    assert not ticket.messages.exists() and not ticket.work_logs.exists()
    assert AuditEvent.objects.count() == events


def test_an_unknown_ticket_is_404_for_an_agent(contracted_personas: Personas) -> None:
    agent = client_of(contracted_personas, "agent")
    for name in TICKET_ACTIONS:
        assert agent.post(f"/console/tickets/999999/{name}").status_code == 404, name


def test_each_action_does_what_its_url_says(contracted_personas: Personas, ticket: Ticket) -> None:
    agent = client_of(contracted_personas, "agent")
    url = f"/console/tickets/{ticket.pk}/"
    for name in ("answer", "note", "work", "scope", "promise"):
        response = agent.post(url + name, valid_post(name, ticket))
        assert response.status_code == 302 and response["Location"] == url, name
    ticket.refresh_from_db()
    kinds = set(events_for(ticket).values_list("kind", flat=True))
    assert {
        "ticket.answered",
        "ticket.note_added",
        "ticket.work_logged",
        "ticket.scope_classified",
        "ticket.answer_promised",
    } <= kinds
    assert list(ticket.messages.values_list("direction", "body_text")) == [
        ("out", "Odpowiedź"),
        ("note", "Notatka"),
    ]
    assert ticket.work_logs.get().raw_minutes == 10
    assert ticket.answer_promised_at is not None and ticket.answer_promised_at > timezone.now()
    # A GET is not an action.
    assert agent.get(url + "answer").status_code == 405


def names(ticket: Ticket) -> list[str]:
    ticket.refresh_from_db()
    return [b.name for b in buttons(ticket)]


def test_r_sla_9_every_state_is_reached_from_the_page_with_only_its_buttons(
    contracted_personas: Personas, ticket: Ticket
) -> None:
    agent = client_of(contracted_personas, "agent", HTTP_ACCEPT_LANGUAGE="en")
    url = f"/console/tickets/{ticket.pk}/"
    assert names(ticket) == ["start", "acknowledge", "wait", "resolve"]
    page = agent.get(url).content.decode()
    assert "Pauses the clock until the customer writes (R-SLA-9)." in page
    assert f'action="{url}close"' not in page  # only the buttons that apply

    journey = [
        ("acknowledge", "acknowledged", ["start", "wait", "resolve"]),
        ("start", "in_progress", ["wait", "resolve"]),
        ("wait", "waiting_customer", ["resume", "resolve"]),
        ("resume", "in_progress", ["wait", "resolve"]),
        ("resolve", "resolved", ["close", "reopen"]),
        ("reopen", "reopened", ["start", "wait", "resolve"]),
        ("resolve", "resolved", ["close", "reopen"]),
        ("close", "closed", ["reopen"]),
        ("reopen", "reopened", ["start", "wait", "resolve"]),
    ]
    for action, status, shown in journey:
        assert agent.post(url + action).status_code == 302, action
        assert names(ticket) == shown, action
        assert ticket.status == status, action
        page = agent.get(url).content.decode()
        for name in shown:
            assert f'action="{url}{name}"' in page, (action, name)
    assert ticket.paused_since is None and ticket.acknowledged_at is not None
    kinds = list(events_for(ticket).order_by("at", "id").values_list("kind", flat=True))
    assert kinds[-9:] == [
        "ticket.acknowledged",
        "ticket.work_started",
        "ticket.paused",
        "ticket.resumed",
        "ticket.resolved",
        "ticket.reopened",
        "ticket.resolved",
        "ticket.closed",
        "ticket.reopened",
    ]


def test_r_sla_6_receipt_is_confirmed_by_the_channel_the_form_asks(
    contracted_personas: Personas,
) -> None:
    p = contracted_personas
    faxed = actions.open_ticket(
        p.org_a,
        channel="portal",
        subject="HOT-01",
        contact=p.customer_a,
        form={"form_sign": "OR.123", "return_channel": "fax", "return_address": "+48221234567"},
    )
    agent = client_of(p, "agent", HTTP_ACCEPT_LANGUAGE="en")
    page = agent.get(f"/console/tickets/{faxed.pk}/").content.decode()
    assert "Sends the confirmation by fax (+48221234567)" in page
    agent.post(f"/console/tickets/{faxed.pk}/acknowledge")
    confirmation = faxed.messages.get()
    assert (confirmation.channel, confirmation.recipient) == ("fax", "+48221234567")
    assert "OR.123" in confirmation.body_text
    assert "acknowledge" not in names(faxed)  # confirmed once


def test_a_refused_status_change_is_shown_on_the_page_not_a_500(
    contracted_personas: Personas, ticket: Ticket
) -> None:
    agent = client_of(contracted_personas, "agent", HTTP_ACCEPT_LANGUAGE="en")
    response = agent.post(f"/console/tickets/{ticket.pk}/resume")  # it is not waiting
    assert response.status_code == 400
    assert "The ticket is not waiting for the customer." in response.content.decode()
    actions.resolve(ticket)
    polish = client_of(contracted_personas, "agent", HTTP_ACCEPT_LANGUAGE="pl")
    refused = polish.post(f"/console/tickets/{ticket.pk}/start").content.decode()
    assert "Nie można rozpocząć pracy nad zgłoszeniem o stanie „rozwiązane”." in refused
    ticket.refresh_from_db()
    assert ticket.status == "resolved"


def test_a_refused_work_log_keeps_the_typed_text_on_its_field(
    contracted_personas: Personas, ticket: Ticket
) -> None:
    agent = client_of(contracted_personas, "agent", HTTP_ACCEPT_LANGUAGE="en")
    typed = {"kind": "remote", "minutes": "2000", "note": "Reinstalled the <server> service"}
    response = agent.post(f"/console/tickets/{ticket.pk}/work", typed)
    page = response.content.decode()
    assert response.status_code == 400
    assert 'id="work-minutes-errors"' in page
    assert "less than or equal to 1440" in page
    assert 'value="Reinstalled the &lt;server&gt; service"' in page  # kept, escaped
    assert 'value="2000"' in page and '<option value="remote" selected>' in page
    assert not ticket.work_logs.exists()


def test_field_errors_come_in_polish_by_cookie_or_header(
    contracted_personas: Personas, ticket: Ticket
) -> None:
    by_cookie = client_of(contracted_personas, "agent")
    by_cookie.cookies["django_language"] = "pl"
    page = by_cookie.post(
        f"/console/tickets/{ticket.pk}/work", {"kind": "phone", "minutes": "pięć", "note": "Kasa"}
    ).content.decode()
    assert "Wpisz liczbę całkowitą." in page and 'value="Kasa"' in page
    # An action's own refusal ("answer_by: must be in the future") on its field, translated.
    past = (timezone.localtime() - dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    by_header = client_of(contracted_personas, "agent", HTTP_ACCEPT_LANGUAGE="pl")
    response = by_header.post(f"/console/tickets/{ticket.pk}/promise", {"answer_by": past})
    page = response.content.decode()
    assert response.status_code == 400
    assert 'id="promise-answer_by-errors"' in page
    assert "Wybierz chwilę w przyszłości." in page and f'value="{past}"' in page
    english = client_of(contracted_personas, "agent", HTTP_ACCEPT_LANGUAGE="en")
    refused = english.post(f"/console/tickets/{ticket.pk}/promise", {"answer_by": past})
    assert "Choose a moment in the future." in refused.content.decode()
    ticket.refresh_from_db()
    assert ticket.answer_promised_at is None


def test_a_refused_answer_keeps_its_text(contracted_personas: Personas, ticket: Ticket) -> None:
    actions.close(ticket)
    agent = client_of(contracted_personas, "agent", HTTP_ACCEPT_LANGUAGE="pl")
    response = agent.post(
        f"/console/tickets/{ticket.pk}/answer",
        {"body": "Proszę zrestartować usługę.", "documentation_ref": "Rozdz. 4"},
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "Przed odpowiedzią otwórz ponownie zamknięte zgłoszenie." in page
    assert "Proszę zrestartować usługę.</textarea>" in page and 'value="Rozdz. 4"' in page
    assert not Message.objects.exists()


def test_r_hrs_3_a_ticket_awaiting_a_package_cannot_be_started_from_the_page(
    presets: None,
) -> None:
    from opiekun.testing.personas import make_personas

    p = make_personas("KJM-PACKAGE")
    waiting = actions.open_ticket(
        p.org_a, channel="email", subject="Bez pakietu", contact=p.customer_a
    )
    assert waiting.status == "awaiting_package"
    assert names(waiting) == ["acknowledge", "wait", "resolve"]
    page = client_of(p, "agent", HTTP_ACCEPT_LANGUAGE="en").get(f"/console/tickets/{waiting.pk}/")
    assert "Work starts when the customer has bought a package (R-HRS-3)" in page.content.decode()


def test_r_sla_6_the_receipt_button_names_the_plan_s_deadline(presets: None) -> None:
    from opiekun.testing.personas import make_personas

    p = make_personas("EKS-HOTLINE")
    hot01 = actions.open_ticket(
        p.org_a,
        channel="email",
        subject="HOT-01",
        contact=p.customer_a,
        form={"return_channel": "phone", "return_address": "+48221112233"},
    )
    assert hot01.ack_due_at is not None
    [ack] = [b for b in buttons(hot01) if b.name == "acknowledge"]
    assert "(+48221112233)" in ack.rule  # the return number the form gave (R-CH-5)
    due = timezone.localtime(hot01.ack_due_at)
    page = client_of(p, "agent", HTTP_ACCEPT_LANGUAGE="en").get(f"/console/tickets/{hot01.pk}/")
    assert "The plan wants it by" in page.content.decode()
    assert f"{due:%m/%d/%Y}" in page.content.decode().split("The plan wants it by")[1][:40]
