"""Opening a ticket: reference signs, contract, account manager, audit."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from opiekun.core.audit import events_for
from opiekun.testing.personas import Personas
from opiekun.tickets import actions
from opiekun.tickets.models import Ticket

pytestmark = pytest.mark.django_db
WARSAW = ZoneInfo("Europe/Warsaw")


def test_it_numbers_tickets_per_vendor_and_year(contracted_personas: Personas) -> None:
    p = contracted_personas
    first = actions.open_ticket(p.org_a, channel="phone", subject="Pierwsze", contact=p.customer_a)
    second = actions.open_ticket(p.org_a, channel="email", subject="Drugie")
    other = actions.open_ticket(p.org_b, channel="email", subject="Wysyłka")
    year = timezone.localtime().year
    assert first.reference == f"KJM/{year}/00001"
    assert second.reference == f"KJM/{year}/00002"
    assert other.reference == f"SHIP/{year}/00001"


def test_r_ppl_1_the_account_manager_is_the_default_assignee(contracted_personas: Personas) -> None:
    p = contracted_personas
    ticket = actions.open_ticket(p.org_a, channel="mobile", subject="Pytanie")
    assert ticket.account_manager == p.account_manager
    assert ticket.assignee == p.account_manager


def test_r_q_1_the_contract_gives_the_queue_priority(contracted_personas: Personas) -> None:
    p = contracted_personas
    ticket = actions.open_ticket(p.org_a, channel="email", subject="x")
    assert ticket.contract == p.contract_a
    assert ticket.queue_priority == 100  # KJM care goes before package customers
    critical = actions.open_ticket(p.org_a, channel="email", subject="awaria", severity="critical")
    assert critical.pinned is False  # pinning is the vendor's choice, off by default (ADR 4)


def test_a_ticket_without_a_contract_is_still_taken(personas: Personas) -> None:
    ticket = actions.open_ticket(personas.org_a, channel="email", subject="Bez umowy")
    assert ticket.contract is None
    assert ticket.queue_priority == 0
    assert ticket.reference.startswith("OP/")


def test_it_can_back_date_but_not_into_the_future(personas: Personas) -> None:
    earlier = dt.datetime(2026, 11, 2, 9, 30, tzinfo=WARSAW)
    ticket = actions.open_ticket(personas.org_a, channel="phone", subject="x", received_at=earlier)
    assert ticket.received_at == earlier
    with pytest.raises(actions.IntakeError, match="received_at: cannot be in the future"):
        actions.open_ticket(
            personas.org_a,
            channel="phone",
            subject="y",
            received_at=timezone.now() + dt.timedelta(hours=1),
        )
    assert Ticket.objects.count() == 1


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"channel": "pigeon"}, "channel: 'pigeon'"),
        ({"severity": "meh"}, "severity: 'meh'"),
        ({"subject": "  "}, "subject: must not be empty"),
    ],
)
def test_it_names_the_bad_field(personas: Personas, kwargs: dict[str, str], message: str) -> None:
    args = {"channel": "email", "subject": "ok", **kwargs}
    with pytest.raises(actions.IntakeError, match=message):
        actions.open_ticket(personas.org_a, **args)  # type: ignore[arg-type]
    assert Ticket.objects.count() == 0


def test_it_refuses_a_contact_of_another_organisation(personas: Personas) -> None:
    with pytest.raises(actions.IntakeError, match="contact: belongs to another organisation"):
        actions.open_ticket(
            personas.org_a, channel="email", subject="x", contact=personas.customer_b
        )


def test_it_audits_the_opening(personas: Personas) -> None:
    ticket = actions.open_ticket(personas.org_a, channel="fax", subject="Faks")
    event = events_for(ticket).get()
    assert (event.kind, event.organisation, event.data["channel"]) == (
        "ticket.opened",
        personas.org_a,
        "fax",
    )


def test_reference_signs_are_unique(personas: Personas) -> None:
    ticket = actions.open_ticket(personas.org_a, channel="fax", subject="Faks")
    with pytest.raises(IntegrityError), transaction.atomic():
        Ticket.objects.create(
            organisation=personas.org_b, channel="email", subject="dup", reference=ticket.reference
        )


def test_the_clock_cannot_start_before_receipt(personas: Personas) -> None:
    ticket = actions.open_ticket(personas.org_a, channel="fax", subject="Faks")
    with pytest.raises(IntegrityError), transaction.atomic():
        Ticket.objects.filter(pk=ticket.pk).update(
            clock_starts_at=ticket.received_at - dt.timedelta(minutes=1)
        )
