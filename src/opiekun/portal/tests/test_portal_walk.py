"""Every route of the portal walked with every persona against customer A's objects
(ARCHITECTURE rule 5): another customer, an outsider and staff get 404, an anonymous
visitor is sent to sign in. The routes come from the URL conf, so a new route fails
here until it is classified."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client

from opiekun.contracts.models import StatementApproval, TopUpOffer
from opiekun.core import tokens
from opiekun.core.models import ApiToken
from opiekun.portal import urls as portal_urls
from opiekun.reports import statements
from opiekun.reports.models import Dispute
from opiekun.testing.offers import a_offer
from opiekun.testing.personas import Personas
from opiekun.tickets import actions, attachments, ratings

pytestmark = pytest.mark.django_db

# Routes that name none of A's objects: each persona sees only their own there.
OWN = {
    "",
    "tickets/new",
    "tickets/new/promise",
    "notifications/",
    "hours/",
    "contacts/",
    "contacts/invite",
    "contacts/visibility",
    "kb/",
    "forum/",
    "forum/new",
    "statements/",
    "register/",
    "register/approve",
    "tokens/",
}
# Public by a secret: the signed link of a rating e-mail (a guess is a 404).
SECRET = {"rate/<str:token>", "unsubscribe/<str:token>/"}


@pytest.fixture
def a_objects(contracted_personas: Personas) -> dict[str, str]:
    p = contracted_personas
    ticket = actions.open_ticket(p.org_a, channel="portal", subject="Tajne A", contact=p.customer_a)
    scan = attachments.store(ticket, "umowa.pdf", b"%PDF-1.4 tajne A")
    actions.answer(ticket, staff=p.agent, body="Tajne A")
    actions.resolve(ticket)
    # A's October statement (issue 21): its lines may be questioned by A's contacts only.
    assert p.contract_a is not None
    october = dt.datetime(2026, 10, 5, 10, tzinfo=dt.UTC)
    earlier = actions.open_ticket(p.org_a, channel="phone", subject="Tajne A", received_at=october)
    actions.log_work(earlier, staff=p.agent, kind="phone", raw_minutes=10, started_at=october)
    statement = statements.issue(p.contract_a, dt.date(2026, 10, 1))
    return {
        "ticket_id": str(ticket.pk),
        "attachment_id": str(scan.pk),
        "contact_id": str(p.customer_a.pk),
        # Objects of other kinds get ids no one has: the walk checks the ticket's routes.
        "article_id": "999999",
        "thread_id": "999999",
        "statement_id": str(statement.pk),
        "line_id": str(statement.lines.first().pk),  # type: ignore[union-attr]
        "fmt": "pdf",
        # An offer of hours to A (issue 21, item 4): only A's buyers answer it.
        "offer_id": str(a_offer(p).pk),
        "token": "guessed",
        # A's own API token (gap 1): nobody else may revoke it, staff neither.
        "token_id": str(tokens.create_token(p.customer_a.user, "Tajne A")[0].pk),  # type: ignore[arg-type]
    }


def _url(pattern: str, ids: dict[str, str]) -> str:
    return "/portal/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda m: ids[m.group(1)], pattern)


@pytest.mark.parametrize("who", ["customer_b", "outsider", "agent"])
def test_no_portal_route_shows_or_changes_customer_a_for_anyone_else(
    contracted_personas: Personas, a_objects: dict[str, str], who: str
) -> None:
    client = Client()
    client.force_login(contracted_personas.user(who))
    walked = 0
    for pattern in (str(p.pattern) for p in portal_urls.urlpatterns):
        if pattern in OWN:
            continue
        url = _url(pattern, a_objects)
        for method in ("get", "post"):
            response = getattr(client, method)(url, {"score": "1", "body": "obcy"})
            assert response.status_code in (404, 405), (who, method, url)
            assert b"Tajne A" not in response.content
        walked += 1
    assert walked >= 10
    ticket = contracted_personas.org_a.tickets.get(channel="portal")
    assert not hasattr(ticket, "rating") or ticket.rating is None
    assert ticket.messages.filter(direction="in").count() == 0
    assert not Dispute.objects.exists() and not StatementApproval.objects.exists()
    assert set(TopUpOffer.objects.values_list("status", flat=True)) == {"open"}
    assert not ApiToken.objects.exclude(revoked_at=None).exists()


def test_every_portal_route_is_classified_and_anonymous_visitors_sign_in(
    a_objects: dict[str, str],
) -> None:
    client = Client()
    for pattern in (str(p.pattern) for p in portal_urls.urlpatterns):
        response = client.get(_url(pattern, a_objects))
        if pattern in SECRET:
            assert response.status_code == 404, pattern
        else:
            assert response.status_code in (302, 405), pattern
            if response.status_code == 302:
                assert "/login/" in response["Location"], pattern


def test_the_rating_link_is_for_its_own_ticket_and_contact(
    contracted_personas: Personas, a_objects: dict[str, str]
) -> None:
    p = contracted_personas
    ticket = p.org_a.tickets.get(channel="portal")
    own = ratings.rating_url(ticket, p.customer_a).split("/portal/", 1)[1]
    assert Client().get(f"/portal/{own}").status_code == 200
    # Customer B's contact named on A's ticket: refused, as a guess is.
    foreign = ratings.rating_token(ticket, p.customer_b)
    assert Client().get(f"/portal/rate/{foreign}").status_code == 404
