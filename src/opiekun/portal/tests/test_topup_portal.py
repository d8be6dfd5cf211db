"""Issue 21, item 4 on the portal: the contacts who may buy hours see the vendor's offer
on the home and hours pages, with its figures, and accept it (the package is sold, the
waiting question goes ahead) or decline it with an optional reason; a colleague who may
not buy, another customer, staff and outsiders get 404."""

from __future__ import annotations

import pytest
from django.test import Client

from opiekun.contracts import topup
from opiekun.contracts.models import HourBank, TopUpOffer
from opiekun.customers import actions as customer_actions
from opiekun.testing.personas import PASSWORD, Personas, make_personas
from opiekun.tickets import actions

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(presets: None) -> Personas:
    return make_personas("KJM-CARE", "KJM-PACKAGE")


def _offer(p: Personas) -> TopUpOffer:
    actions.open_ticket(p.org_b, channel="email", subject="VAT", contact=p.customer_b)
    (offer,) = topup.make_due_offers()
    return offer


def test_issue_21_item_4_a_buyer_sees_and_accepts_the_offer_once(people: Personas) -> None:
    offer = _offer(people)
    client = Client()
    client.force_login(people.user("customer_b"))
    home = client.get("/portal/").content.decode()
    assert "Propozycja godzin dla Państwa" in home and "nie zostały żadne godziny" in home
    page = client.get("/portal/hours/").content.decode()
    assert f'id="offer-{offer.pk}"' in page and "nie zostały żadne godziny" in page
    client.post(f"/portal/hours/offers/{offer.pk}/accept")
    client.post(f"/portal/hours/offers/{offer.pk}/accept")
    offer.refresh_from_db()
    assert offer.status == "accepted" and offer.answered_by == people.user("customer_b")
    assert HourBank.objects.filter(sale_key=f"topup-offer-{offer.pk}").count() == 1
    assert people.org_b.tickets.get().status == "new"  # released (R-HRS-3)
    after = client.get("/portal/hours/").content.decode()
    assert f'id="offer-{offer.pk}"' not in after and "Propozycje z odpowiedzią" in after


def test_issue_21_item_4_a_buyer_declines_with_a_reason(people: Personas) -> None:
    offer = _offer(people)
    client = Client()
    client.force_login(people.user("customer_b"))
    client.post(f"/portal/hours/offers/{offer.pk}/decline", {"reason": "za drogo"})
    offer.refresh_from_db()
    assert (offer.status, offer.reason) == ("declined", "za drogo")
    assert not HourBank.objects.exists()
    refused = client.post(f"/portal/hours/offers/{offer.pk}/accept", follow=True)
    assert "ta propozycja ma status" in refused.content.decode()


def test_issue_21_item_4_nobody_else_sees_or_answers_the_offer(people: Personas) -> None:
    offer = _offer(people)
    colleague = customer_actions.add_contact(
        people.org_b,
        "Cezary Kolega",
        emails=["c@b.example"],
        portal_username="p-colleague",
        portal_password=PASSWORD,
    )
    assert colleague.user is not None
    for user in (
        colleague.user,
        people.user("customer_a"),
        people.user("agent"),
        people.user("outsider"),
    ):
        client = Client()
        client.force_login(user)
        for action in ("accept", "decline"):
            response = client.post(f"/portal/hours/offers/{offer.pk}/{action}", {"reason": "x"})
            assert response.status_code == 404, (user, action)
        page = client.get("/portal/hours/")
        assert f'id="offer-{offer.pk}"'.encode() not in page.content
    offer.refresh_from_db()
    assert offer.status == "open" and not HourBank.objects.exists()
