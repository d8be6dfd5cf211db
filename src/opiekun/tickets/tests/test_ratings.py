"""Satisfaction (issue 16, item 6): after a ticket is resolved its customer rates it once,
1-5 and a comment, from the portal, the e-mail's signed link or the API; the rating is
shown on the console ticket page, in the SLA report and on the dashboard."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.core import signing
from django.test import Client, override_settings
from django.utils import timezone

from opiekun.core.audit import events_for
from opiekun.reports import queries, tables
from opiekun.testing.personas import Personas
from opiekun.testing.threads import run_in_threads
from opiekun.tickets import actions, ratings
from opiekun.tickets.models import Rating, Ticket

pytestmark = pytest.mark.django_db


def client_of(p: Personas, who: str) -> Client:
    client = Client()
    client.force_login(p.user(who))
    return client


def resolved(p: Personas, subject: str = "Wydruk") -> Ticket:
    ticket = actions.open_ticket(p.org_a, channel="portal", subject=subject, contact=p.customer_a)
    actions.answer(ticket, staff=p.agent, body="Naprawione")
    return actions.resolve(ticket)


def test_a_resolved_ticket_is_rated_once_from_the_portal(contracted_personas: Personas) -> None:
    p = contracted_personas
    ticket = resolved(p)
    customer = client_of(p, "customer_a")
    page = customer.get(f"/portal/tickets/{ticket.pk}/").content.decode()
    assert f'action="/portal/tickets/{ticket.pk}/rate"' in page
    response = customer.post(
        f"/portal/tickets/{ticket.pk}/rate", {"score": "4", "comment": "Szybko, dziękuję"}
    )
    assert response.status_code == 302
    rating = Rating.objects.get()
    assert (rating.score, rating.comment, rating.contact, rating.via) == (
        4,
        "Szybko, dziękuję",
        p.customer_a,
        "portal",
    )
    assert "ticket.rated" in events_for(ticket).values_list("kind", flat=True)
    page = customer.get(f"/portal/tickets/{ticket.pk}/").content.decode()
    assert "Szybko, dziękuję" in page and f"/portal/tickets/{ticket.pk}/rate" not in page
    again = customer.post(f"/portal/tickets/{ticket.pk}/rate", {"score": "1"})
    assert again.status_code == 400 and Rating.objects.get().score == 4


def test_an_open_ticket_cannot_be_rated(contracted_personas: Personas) -> None:
    p = contracted_personas
    ticket = actions.open_ticket(p.org_a, channel="portal", subject="x", contact=p.customer_a)
    customer = client_of(p, "customer_a")
    assert "/rate" not in customer.get(f"/portal/tickets/{ticket.pk}/").content.decode()
    response = customer.post(
        f"/portal/tickets/{ticket.pk}/rate", {"score": "5"}, HTTP_ACCEPT_LANGUAGE="pl"
    )
    assert response.status_code == 400
    assert "po jego rozwiązaniu" in response.content.decode()
    assert not Rating.objects.exists()


@pytest.mark.parametrize("score", ["0", "6", "abc", ""])
def test_a_score_outside_1_to_5_is_refused_on_its_field(
    contracted_personas: Personas, score: str
) -> None:
    ticket = resolved(contracted_personas)
    customer = client_of(contracted_personas, "customer_a")
    response = customer.post(f"/portal/tickets/{ticket.pk}/rate", {"score": score})
    assert response.status_code == 400 and "errorlist" in response.content.decode()
    assert not Rating.objects.exists()


def test_the_action_refuses_a_contact_of_another_organisation(
    contracted_personas: Personas,
) -> None:
    p = contracted_personas
    ticket = resolved(p)
    with pytest.raises(actions.IntakeError, match="contact"):
        actions.rate(ticket, contact=p.customer_b, score=5)
    with pytest.raises(actions.IntakeError, match="score"):
        actions.rate(ticket, contact=p.customer_a, score=9)
    assert not Rating.objects.exists()


def test_another_customer_or_an_outsider_cannot_rate(contracted_personas: Personas) -> None:
    p = contracted_personas
    ticket = resolved(p)
    for who in ("customer_b", "outsider", "agent"):
        response = client_of(p, who).post(f"/portal/tickets/{ticket.pk}/rate", {"score": "1"})
        assert response.status_code == 404, who
    assert not Rating.objects.exists()


def test_the_e_mail_link_rates_without_signing_in_and_only_on_post(
    contracted_personas: Personas,
) -> None:
    p = contracted_personas
    ticket = resolved(p)
    url = ratings.rating_url(ticket, p.customer_a)
    assert url.startswith("http://") and "/portal/rate/" in url
    path = url.split("://", 1)[1].split("/", 1)[1]
    stranger = Client()
    page = stranger.get(f"/{path}?score=2")
    # The star the e-mail linked comes chosen; the customer still sends the form.
    assert page.status_code == 200
    assert re.search(r'value="2"[^>]*checked', page.content.decode())
    assert not Rating.objects.exists()  # opening the link (a mail scanner) records nothing
    response = stranger.post(f"/{path}", {"score": "2", "comment": "Za długo"})
    assert response.status_code == 302
    rating = Rating.objects.get()
    assert (rating.score, rating.contact, rating.via) == (2, p.customer_a, "link")
    thanks = stranger.get(f"/{path}").content.decode()
    assert "Dziękujemy" in thanks  # the contact's language (Polish), not the browser's
    assert stranger.post(f"/{path}", {"score": "5"}).status_code == 200
    assert Rating.objects.get().score == 2


def test_a_forged_expired_or_foreign_link_is_a_404(contracted_personas: Personas) -> None:
    p = contracted_personas
    ticket = resolved(p)
    stranger = Client()
    assert stranger.get("/portal/rate/guessed").status_code == 404
    forged = signing.dumps({"t": ticket.pk, "c": p.customer_a.pk}, salt="another purpose")
    assert stranger.get(f"/portal/rate/{forged}").status_code == 404
    # A token naming a contact of another organisation than the ticket's.
    foreign = ratings.rating_token(ticket, p.customer_b)
    assert stranger.post(f"/portal/rate/{foreign}", {"score": "1"}).status_code == 404
    token = ratings.rating_token(ticket, p.customer_a)
    with override_settings(RATING_LINK_MAX_AGE_DAYS=1):
        later = timezone.now() + dt.timedelta(days=2)
        with pytest.MonkeyPatch.context() as mp:
            mp.setattr("time.time", lambda: later.timestamp())
            assert stranger.post(f"/portal/rate/{token}", {"score": "1"}).status_code == 404
    assert not Rating.objects.exists()


def test_the_api_rates_for_a_contact_and_lists_for_staff(contracted_personas: Personas) -> None:
    p = contracted_personas
    ticket = resolved(p)
    customer = client_of(p, "customer_a")
    response = customer.post(
        f"/api/v1/tickets/{ticket.pk}/rating",
        {"score": 5, "comment": "Super"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["score"] == 5 and response.json()["via"] == "api"
    again = customer.post(
        f"/api/v1/tickets/{ticket.pk}/rating", {"score": 1}, content_type="application/json"
    )
    assert again.status_code == 400 and again.json()["field"] == "score"
    bad = customer.post(
        f"/api/v1/tickets/{ticket.pk}/rating", {"score": 7}, content_type="application/json"
    )
    assert bad.status_code == 422
    agent = client_of(p, "agent")
    staff_rates = agent.post(
        f"/api/v1/tickets/{ticket.pk}/rating", {"score": 5}, content_type="application/json"
    )
    assert staff_rates.status_code == 403
    listed = agent.get("/api/v1/ratings", {"plan": "KJM-CARE"}).json()
    assert [(r["ticket_reference"], r["score"], r["organisation"]) for r in listed] == [
        (ticket.reference, 5, "Firma A")
    ]
    assert agent.get("/api/v1/ratings", {"plan": "SHIP-START"}).json() == []
    assert agent.get(f"/api/v1/tickets/{ticket.pk}/rating").json()["comment"] == "Super"
    assert customer.get("/api/v1/ratings").status_code == 404  # staff only


def test_a_rating_reaches_the_console_the_sla_report_and_the_dashboard(
    contracted_personas: Personas,
) -> None:
    p = contracted_personas
    first, second = resolved(p, "Pierwsze"), resolved(p, "Drugie")
    actions.rate(first, contact=p.customer_a, score=5, comment="Świetnie")
    actions.rate(second, contact=p.customer_a, score=2)
    agent = client_of(p, "agent")
    page = agent.get(f"/console/tickets/{first.pk}/").content.decode()
    assert "Świetnie" in page and 'id="rating"' in page
    month = timezone.localdate()
    table = tables.sla_report(month, month)
    row = next(r for r in table.rows if r[0] == "KJM-CARE" and r[1] == "Firma A")
    assert row[-2:] == [2, Decimal("3.50")]
    assert [(s.plan, s.ratings, s.average, s.poor) for s in queries.satisfaction()] == [
        ("KJM-CARE", 2, 3.5, 1)
    ]
    manager = client_of(p, "account_manager")
    report = manager.get("/console/reports/sla/").content.decode()
    assert "3.50" in report or "3,50" in report
    dashboard = manager.get("/console/dashboards/").content.decode()
    assert 'id="satisfaction"' in dashboard and "KJM-CARE" in dashboard


@pytest.mark.needs_postgres
@pytest.mark.django_db(transaction=True)
def test_two_ratings_at_once_give_one_rating_and_one_refusal(
    contracted_personas: Personas,
) -> None:
    """The portal and the e-mail's link at the same moment: the ticket's row lock makes
    the second read the first's rating and refuse, never a second row or a 500."""
    p = contracted_personas
    ticket = resolved(p)
    refused: list[int] = []

    def rate(n: int) -> None:
        try:
            actions.rate(ticket, contact=p.customer_a, score=n + 1, via="link")
        except actions.IntakeError:
            refused.append(n)

    errors = run_in_threads(rate, 4)
    assert errors == []
    assert Rating.objects.count() == 1 and len(refused) == 3
