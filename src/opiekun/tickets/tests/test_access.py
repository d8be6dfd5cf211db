"""Who may fetch a ticket (R-PPL-2; ARCHITECTURE rule 5): an outsider gets 404."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from opiekun.testing.personas import Personas
from opiekun.tickets import access, actions

pytestmark = pytest.mark.django_db


@pytest.fixture
def ticket_of_a(personas: Personas):
    return actions.open_ticket(personas.org_a, channel="portal", subject="Tylko dla A")


@pytest.mark.parametrize("who", ["agent", "account_manager", "customer_a"])
def test_it_lets_staff_and_the_own_customer_fetch_it(
    personas: Personas, ticket_of_a, who: str
) -> None:
    assert access.ticket_for(personas.user(who), ticket_of_a.pk) == ticket_of_a


@pytest.mark.parametrize("who", ["customer_b", "outsider"])
def test_it_answers_404_to_anyone_else(personas: Personas, ticket_of_a, who: str) -> None:
    with pytest.raises(Http404):
        access.ticket_for(personas.user(who), ticket_of_a.pk)
    assert not access.visible_tickets(personas.user(who)).exists()


def test_it_answers_404_to_the_anonymous(ticket_of_a) -> None:
    with pytest.raises(Http404):
        access.ticket_for(AnonymousUser(), ticket_of_a.pk)


def test_a_deactivated_contact_loses_access(personas: Personas, ticket_of_a) -> None:
    personas.customer_a.is_active = False
    personas.customer_a.save()
    with pytest.raises(Http404):
        access.ticket_for(personas.user("customer_a"), ticket_of_a.pk)


def test_it_answers_404_for_a_ticket_that_does_not_exist(personas: Personas) -> None:
    with pytest.raises(Http404):
        access.ticket_for(personas.user("agent"), 999_999)
