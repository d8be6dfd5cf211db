"""Merging two tickets of one customer and splitting a message off (issue 15, item 7):
everything moves, the merged ticket points to the survivor and is closed, the hour banks
do not change, the search finds the survivor by the merged ticket's words; refusals."""

from __future__ import annotations

import pytest
from django.utils import translation

from opiekun.contracts import banks
from opiekun.core.models import AuditEvent
from opiekun.search import query
from opiekun.testing.personas import Personas
from opiekun.tickets import actions
from opiekun.tickets.attachments import store
from opiekun.tickets.models import Ticket

pytestmark = pytest.mark.django_db


def balances(p: Personas) -> dict[int, int]:
    assert p.contract_a is not None
    return {b.pk: banks.balance(b) for b in p.contract_a.banks.all()}


@pytest.fixture
def pair(contracted_personas: Personas) -> tuple[Ticket, Ticket]:
    p = contracted_personas
    survivor = actions.open_ticket(
        p.org_a,
        channel="portal",
        subject="Drukarka",
        description="Nie drukuje",
        contact=p.customer_a,
    )
    merged = actions.open_ticket(
        p.org_a, channel="portal", subject="Ponownie", description="Pierwsze", contact=p.customer_a
    )
    message = actions.customer_message(
        merged, contact=p.customer_a, body="Kosiarka hałasuje okropnie.", channel="portal"
    )
    store(merged, "zrzut.txt", b"zrzut ekranu", message=message)
    actions.log_work(merged, staff=p.agent, kind="phone", raw_minutes=20)
    actions.set_tags(merged, ["sprzęt"])
    return merged, survivor


def test_merge_moves_messages_work_and_files_and_closes_the_merged_ticket(
    contracted_personas: Personas, pair: tuple[Ticket, Ticket]
) -> None:
    p = contracted_personas
    merged, survivor = pair
    counts = {
        "messages": merged.messages.count() + survivor.messages.count(),
        "work": merged.work_logs.count(),
    }
    before = balances(p)
    actions.merge(merged, survivor, actor=p.agent.user)
    merged.refresh_from_db()
    assert merged.merged_into == survivor and merged.status == "closed" and merged.closed_at
    assert merged.messages.count() == 0 and merged.work_logs.count() == 0
    assert merged.attachments.count() == 0
    assert survivor.messages.count() == counts["messages"]
    assert survivor.work_logs.count() == counts["work"] == 1
    assert survivor.attachments.get().filename == "zrzut.txt"
    assert [t.name for t in survivor.tags.all()] == ["sprzęt"]
    # The work log keeps its ledger entries: the banks show the same balances.
    assert balances(p) == before
    kinds = set(AuditEvent.objects.values_list("kind", flat=True))
    assert {"ticket.merged", "ticket.merged_in"} <= kinds
    merged_event = AuditEvent.objects.get(kind="ticket.merged")
    assert merged_event.data["into"] == survivor.reference and merged_event.actor == p.agent.user


def test_the_search_finds_the_survivor_by_the_merged_tickets_words(
    contracted_personas: Personas, pair: tuple[Ticket, Ticket]
) -> None:
    merged, survivor = pair
    assert list(query.matching(Ticket.objects.all(), "kosiarka")) == [merged]
    actions.merge(merged, survivor)
    assert list(query.matching(Ticket.objects.all(), "kosiarka")) == [survivor]


def test_merge_is_refused_across_customers_into_itself_and_into_a_merged_ticket(
    contracted_personas: Personas, pair: tuple[Ticket, Ticket]
) -> None:
    p = contracted_personas
    merged, survivor = pair
    other = actions.open_ticket(p.org_b, channel="email", subject="Obcy")
    translation.activate("en")  # the refusals are matched in English
    with pytest.raises(actions.IntakeError, match=r"^into: .*same customer"):
        actions.merge(merged, other)
    with pytest.raises(actions.IntakeError, match=r"^into: .*itself"):
        actions.merge(merged, merged)
    third = actions.open_ticket(p.org_a, channel="email", subject="Trzeci")
    actions.merge(merged, survivor)
    with pytest.raises(actions.IntakeError, match="already merged"):
        actions.merge(third, merged)
    with pytest.raises(actions.IntakeError, match="already merged"):
        actions.merge(merged, third)
    third.refresh_from_db()
    assert third.merged_into is None and other.messages.count() == 0
    translation.deactivate()


def test_split_moves_a_message_into_a_new_ticket_of_the_same_customer_and_contact(
    contracted_personas: Personas, pair: tuple[Ticket, Ticket]
) -> None:
    p = contracted_personas
    merged, _survivor = pair
    message = merged.messages.get(body_text__startswith="Kosiarka")
    created = actions.split(message, subject="Kosiarka osobno", actor=p.agent.user)
    assert created.pk != merged.pk
    assert (created.organisation, created.contact) == (p.org_a, p.customer_a)
    assert created.subject == "Kosiarka osobno" and created.contract == p.contract_a
    message.refresh_from_db()
    assert message.ticket == created and created.attachments.get().filename == "zrzut.txt"
    assert not merged.messages.filter(pk=message.pk).exists()
    assert AuditEvent.objects.filter(kind="ticket.split", subject_id=str(merged.pk)).exists()
    assert AuditEvent.objects.filter(kind="ticket.split_from", subject_id=str(created.pk)).exists()
    assert list(query.matching(Ticket.objects.all(), "kosiarka")) == [created]


def test_the_only_message_of_a_ticket_without_a_question_cannot_be_split_off(
    contracted_personas: Personas,
) -> None:
    p = contracted_personas
    ticket = actions.open_ticket(p.org_a, channel="portal", subject="Pusty", contact=p.customer_a)
    only = actions.customer_message(
        ticket, contact=p.customer_a, body="Jedyna wiadomość", channel="portal"
    )
    count = Ticket.objects.count()
    with pytest.raises(actions.IntakeError, match=r"^message: "):
        actions.split(only)
    assert Ticket.objects.count() == count
    only.refresh_from_db()
    assert only.ticket == ticket
