"""Each kind of staff notification (issue 15, item 8) reaches exactly the right people,
once, and never the person who did it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction

from opiekun.mail import outbound
from opiekun.notifications.models import Kind, Notification
from opiekun.staff.models import StaffMember
from opiekun.testing.personas import Personas
from opiekun.tickets import actions, signals
from opiekun.tickets.models import Message, SlaNotification, Ticket

pytestmark = pytest.mark.django_db


def told(kind: str) -> list[tuple[str, str]]:
    return sorted(
        (n.recipient.user.username, n.ticket.subject)
        for n in Notification.objects.filter(kind=kind).select_related("recipient__user", "ticket")
    )


def test_it_tells_the_account_manager_of_a_new_ticket_and_not_the_agent_who_opened_it(
    personas: Personas,
) -> None:
    actions.open_ticket(
        personas.org_a, channel="phone", subject="Drukarka", actor=personas.agent.user
    )
    # The account manager is also the default assignee: told once, not twice.
    assert told(Kind.NEW_TICKET) == [("p-opiekun", "Drukarka")]
    assert Notification.objects.count() == 1


def test_it_tells_the_assignee_too_when_it_is_someone_else(
    personas: Personas, colleague: StaffMember
) -> None:
    ticket = actions.open_ticket(personas.org_a, channel="phone", subject="Drukarka")
    Notification.objects.all().delete()
    Ticket.objects.filter(pk=ticket.pk).update(assignee=colleague)
    # The signal carries the tickets as the action holds them (issue 20, item 6: the
    # receiver reads no ticket again).
    ticket.assignee = colleague
    with transaction.atomic():
        signals.tickets_opened.send(Ticket, tickets=[ticket], actor=None)
        signals.tickets_opened.send(Ticket, tickets=[ticket], actor=None)  # sent twice
    assert told(Kind.NEW_TICKET) == [("c-kolega", "Drukarka"), ("p-opiekun", "Drukarka")]


def test_the_actor_is_never_told_of_their_own_ticket(personas: Personas) -> None:
    actions.open_ticket(
        personas.org_a, channel="phone", subject="Sam", actor=personas.account_manager.user
    )
    assert not Notification.objects.exists()


def test_a_customer_reply_tells_the_assignee_but_the_first_question_does_not(
    personas: Personas,
) -> None:
    ticket = actions.open_ticket(
        personas.org_a, channel="email", subject="Eksport", description="Nie działa eksport."
    )
    Notification.objects.all().delete()
    actions.customer_message(
        ticket, contact=personas.customer_a, body="Nie działa eksport.", channel="email"
    )
    assert told(Kind.CUSTOMER_REPLY) == []  # the question the ticket was opened with
    reply = actions.customer_message(
        ticket, contact=personas.customer_a, body="Nadal nie działa.", channel="portal"
    )
    assert told(Kind.CUSTOMER_REPLY) == [("p-opiekun", "Eksport")]
    notification = Notification.objects.get(kind=Kind.CUSTOMER_REPLY)
    assert notification.key == f"message:{reply.pk}"
    assert notification.params == {"author": "Adam Klient"}


def test_a_reply_goes_to_the_account_manager_when_nobody_is_assigned(
    personas: Personas,
) -> None:
    ticket = actions.open_ticket(personas.org_a, channel="portal", subject="Bez opiekuna")
    Ticket.objects.filter(pk=ticket.pk).update(assignee=None)
    ticket.refresh_from_db()
    actions.customer_message(ticket, contact=personas.customer_a, body="Halo?", channel="portal")
    # The ticket had no question written down: the first message is that question.
    assert told(Kind.CUSTOMER_REPLY) == []
    actions.customer_message(ticket, contact=personas.customer_a, body="Halo!", channel="portal")
    assert told(Kind.CUSTOMER_REPLY) == [("p-opiekun", "Bez opiekuna")]


def test_an_assignment_tells_the_new_assignee_once_and_not_when_taken_by_oneself(
    personas: Personas, colleague: StaffMember
) -> None:
    ticket = actions.open_ticket(personas.org_a, channel="phone", subject="Przydział")
    with transaction.atomic():  # as FLOW's assign action sends it, inside its transaction
        signals.ticket_assigned.send(
            Ticket,
            ticket=ticket,
            assignee=colleague,
            previous=personas.account_manager,
            actor=personas.agent.user,
        )
    assert told(Kind.ASSIGNED) == [("c-kolega", "Przydział")]
    assert Notification.objects.get(kind=Kind.ASSIGNED).params == {"by": "Alicja Agent"}
    with transaction.atomic():  # "take": the agent assigns it to themself
        signals.ticket_assigned.send(
            Ticket,
            ticket=ticket,
            assignee=personas.agent,
            previous=colleague,
            actor=personas.agent.user,
        )
        signals.ticket_assigned.send(
            Ticket,
            ticket=ticket,
            assignee=None,
            previous=personas.agent,
            actor=personas.agent.user,
        )
    assert told(Kind.ASSIGNED) == [("c-kolega", "Przydział")]


def test_a_mention_in_a_note_tells_active_staff_named_and_not_the_author(
    personas: Personas, colleague: StaffMember
) -> None:
    ticket = actions.open_ticket(personas.org_a, channel="phone", subject="Wzmianka")
    Notification.objects.all().delete()
    colleague.is_active = False
    colleague.save()
    actions.add_note(
        ticket,
        staff=personas.agent,
        body="@P-Opiekun zobacz. @p-agent to ja, @c-kolega odszedł, @nikt nie istnieje, "
        "adam@p-opiekun.pl to adres. Dzięki @p-opiekun.",
        actor=personas.agent.user,
    )
    assert told(Kind.MENTION) == [("p-opiekun", "Wzmianka")]
    assert Notification.objects.get().params == {"author": "Alicja Agent"}


def test_a_deadline_notice_of_the_sweep_is_in_the_inbox_too(
    personas: Personas, django_capture_on_commit_callbacks
) -> None:
    ticket = actions.open_ticket(personas.org_a, channel="phone", subject="Termin")
    Notification.objects.all().delete()
    from opiekun.tickets import sweep

    # A missed confirmation of receipt, due now: the sweep's pass notices it.
    due = ticket.received_at
    with transaction.atomic(), django_capture_on_commit_callbacks(execute=False):
        Ticket.objects.filter(pk=ticket.pk).update(
            assignee=personas.agent, ack_due_at=due, acknowledged_at=None, next_check_at=due
        )
        assert sweep.sweep(due + dt.timedelta(minutes=1)) == 1
        # Handled again (a second sweep that saw it due): nobody is told twice.
        Ticket.objects.filter(pk=ticket.pk).update(next_check_at=due)
        assert sweep.sweep(due + dt.timedelta(minutes=1)) == 1
    notices = SlaNotification.objects.filter(ticket=ticket)
    assert notices.count() == 2  # the agent and the account manager
    assert told(Kind.DEADLINE) == [("p-agent", "Termin"), ("p-opiekun", "Termin")]
    assert {n.params["notice"] for n in Notification.objects.all()} == {"ack_breach"}


def test_a_failed_answer_tells_its_author_and_the_assignee_once(
    personas: Personas, colleague: StaffMember
) -> None:
    ticket = actions.open_ticket(
        personas.org_a, channel="email", subject="Odbita", contact=personas.customer_a
    )
    Notification.objects.all().delete()
    answer = actions.answer(ticket, staff=colleague, body="Proszę sprawdzić.")
    assert answer.delivery == Message.Delivery.PENDING
    outbound.fail(answer.pk, "refused: 550 no such user")
    outbound.fail(answer.pk, "gave up after 3 attempts")  # marked already: nobody told again
    assert told(Kind.MAIL_FAILED) == [("c-kolega", "Odbita"), ("p-opiekun", "Odbita")]
    answer.refresh_from_db()
    assert answer.delivery == Message.Delivery.FAILED
    assert answer.delivery_error == "gave up after 3 attempts"
    assert Notification.objects.filter(kind=Kind.MAIL_FAILED)[0].params == {
        "error": "refused: 550 no such user"
    }
