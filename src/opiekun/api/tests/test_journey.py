"""Through the API alone: look up a caller, open a phone ticket, log the call, answer it,
close it, and see the deadline, the queue position and the balance change (issue 5)."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.test import Client

from opiekun.contracts import banks
from opiekun.core import tokens
from opiekun.core.models import ApiToken
from opiekun.testing.personas import Personas
from opiekun.tickets.models import Ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def agent_api(contracted_personas: Personas) -> Client:
    _, plain = tokens.create_token(contracted_personas.agent.user, "switchboard")
    return Client(HTTP_AUTHORIZATION=f"Bearer {plain}")


def call(client: Client, method: str, path: str, body: object = None):
    kwargs = (
        {"data": json.dumps(body), "content_type": "application/json"} if body is not None else {}
    )
    return getattr(client, method)(f"/api/v1{path}", **kwargs)


def test_a_phone_call_from_lookup_to_close(
    agent_api: Client, contracted_personas: Personas
) -> None:
    p = contracted_personas  # B is on SHIP-START: 3 h a month
    looked_up = call(agent_api, "get", "/callers/+48601000002").json()
    assert looked_up["known"] is True
    assert looked_up["organisation"]["short_name"] == "firma-b"
    assert looked_up["plan"] == "SHIP-START"
    assert looked_up["account_manager"] == "Olgierd Opiekun"
    assert looked_up["account_manager_mobile"] == "+48600999000"
    contact_id = looked_up["contacts"][0]["id"]

    opened = call(
        agent_api,
        "post",
        "/tickets",
        {
            "organisation_id": p.org_b.pk,
            "contact_id": contact_id,
            "channel": "phone",
            "subject": "Etykiety drukują się obrócone",
        },
    )
    assert opened.status_code == 201, opened.content
    ticket = opened.json()
    assert ticket["reference"].startswith("SHIP/")
    assert ticket["guaranteed"] is False  # SHIP guarantees e-mail tickets only (R-SLA-5)
    assert ticket["assignee"] == "Olgierd Opiekun"

    queue = call(agent_api, "get", "/queue").json()
    assert queue["count"] == 1
    assert (queue["items"][0]["reference"], queue["items"][0]["position"]) == (
        ticket["reference"],
        1,
    )

    assert ticket["call_started_at"] is not None  # taking the call starts its work log
    before = {
        (b["kind"], b["valid_from"]): b["balance_minutes"]
        for b in call(agent_api, "get", f"/organisations/{p.org_b.pk}/balances").json()
    }
    # The call lasted 17 minutes: end it, and the phone work is logged and billed.
    Ticket.objects.filter(pk=ticket["id"]).update(
        call_started_at=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=16, seconds=30)
    )
    logged = call(agent_api, "post", f"/tickets/{ticket['id']}/call/end", {"note": "Drukarka"})
    assert logged.status_code == 201, logged.content
    assert logged.json()["billable_minutes"] == 30
    after = {
        (b["kind"], b["valid_from"]): b["balance_minutes"]
        for b in call(agent_api, "get", f"/organisations/{p.org_b.pk}/balances").json()
    }
    # Keyed by kind, not by the label: labels follow the reader's language.
    month = next(key for key in after if key[0] == "allotment")
    assert before.get(month, 180) - after[month] == 30

    answered = call(
        agent_api,
        "post",
        f"/tickets/{ticket['id']}/messages",
        {
            "body": "Proszę zmienić orientację w ustawieniach drukarki.",
            "documentation_ref": "Instrukcja, rozdz. 4.2",
        },
    )
    assert answered.status_code == 201, answered.content
    assert (answered.json()["channel"], answered.json()["delivery"]) == ("phone", "sent")

    closed = call(agent_api, "post", f"/tickets/{ticket['id']}/status", {"action": "close"})
    assert closed.json()["status"] == "closed"
    assert call(agent_api, "get", "/queue").json()["count"] == 0
    assert banks.guarantee_used_minutes(p.contract_b, dt.datetime.now(dt.UTC)) == 0  # type: ignore[arg-type]


def test_an_email_ticket_shows_its_deadline_and_why(
    agent_api: Client, contracted_personas: Personas
) -> None:
    ticket = call(
        agent_api,
        "post",
        "/tickets",
        {
            "organisation_id": contracted_personas.org_b.pk,
            "channel": "email",
            "subject": "Pytanie",
        },
    ).json()
    assert ticket["guaranteed"] is True
    assert ticket["reaction_due_at"] is not None
    assert ticket["explanation"][-1].startswith("Reaction due ")


def test_tokens_are_stored_hashed_and_can_be_revoked(contracted_personas: Personas) -> None:
    token, plain = tokens.create_token(contracted_personas.agent.user, "crm")
    assert plain not in (token.digest, token.prefix) and plain.startswith(token.prefix)
    client = Client(HTTP_AUTHORIZATION=f"Bearer {plain}")
    assert client.get("/api/v1/queue").status_code == 200
    ApiToken.objects.filter(pk=token.pk).update(revoked_at=dt.datetime.now(dt.UTC))
    response = client.get("/api/v1/queue")
    assert response.status_code == 401
    assert response.json()["code"] == "unauthenticated"
    assert Client(HTTP_AUTHORIZATION="Bearer opk_wrong").get("/api/v1/queue").status_code == 401
