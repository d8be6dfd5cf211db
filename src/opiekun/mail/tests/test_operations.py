"""Mail operations (issue 18, classes 3 and 9): outgoing mail that fails alone and is
never stuck, threads that do not cross organisations, mailboxes that fail politely."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from opiekun.mail import actions, poll, tasks
from opiekun.mail.models import InboundMail, Mailbox
from opiekun.testing.mailservers import SmtpSink, free_port
from opiekun.testing.personas import Personas
from opiekun.tickets import actions as ticket_actions
from opiekun.tickets.models import Message, Ticket

pytestmark = pytest.mark.django_db


def mail(
    sender: str, message_id: str, *, in_reply_to: str = "", subject: str = "Re: faktury"
) -> bytes:
    head = f"From: Someone <{sender}>\r\nTo: pomoc@kjm.example\r\nSubject: {subject}\r\n"
    head += f"Message-ID: {message_id}\r\nDate: Sat, 21 Nov 2026 09:00:00 +0100\r\n"
    head += f"In-Reply-To: {in_reply_to}\r\n" if in_reply_to else ""
    head += "Content-Type: text/plain; charset=utf-8\r\n"
    return (head + "\r\nDzień dobry, odpowiadam.\r\n").encode()


@pytest.fixture
def box(db: None) -> Mailbox:
    return Mailbox.objects.create(
        name="pomoc", address="pomoc@kjm.example", host="127.0.0.1", username="u", password="p"
    )


@pytest.fixture
def answered(contracted_personas: Personas) -> tuple[Ticket, Message]:
    """Customer A's e-mail ticket with the desk's answer to adam@a.example."""
    p = contracted_personas
    ticket = ticket_actions.open_ticket(
        p.org_a, channel="email", subject="Faktury", contact=p.customer_a
    )
    ticket_actions.customer_message(
        ticket,
        contact=p.customer_a,
        body="Program nie drukuje faktur.",
        channel="email",
        mail={"sender": "adam@a.example", "message_id": "<q1@a.example>"},
    )
    answer = ticket_actions.answer(ticket, staff=p.agent, body="Proszę o zrzut ekranu.")
    return ticket, answer


def answering(sender: str, message_id: str, answer: Message) -> bytes:
    return mail(sender, message_id, in_reply_to=str(answer.message_id))


def take(box: Mailbox, raw: bytes, *, bulk: bool) -> InboundMail:
    row, _ = actions.receive(box, raw)
    if bulk:
        [done] = actions.process_many([row])
        return done
    return actions.process(row.pk, counted=True)


@pytest.mark.parametrize("bulk", [False, True])
def test_a_reply_to_another_organisations_answer_goes_to_triage_not_onto_its_ticket(
    contracted_personas: Personas, answered: tuple[Ticket, Message], box: Mailbox, bulk: bool
) -> None:
    ticket, answer = answered
    # Beata of organisation B got hold of A's answer (forwarded) and replies to it.
    row = take(
        box,
        answering("beata@b.example", "<b1@b.example>", answer),
        bulk=bulk,
    )
    assert row.state == InboundMail.State.TRIAGE
    assert ticket.reference in row.reason and "beata@b.example" in row.reason
    assert row.ticket is None
    assert not ticket.messages.filter(message_id="<b1@b.example>").exists()
    # A stranger who is no contact at all: triage too.
    row = take(
        box,
        answering("x@evil.example", "<x1@evil.example>", answer),
        bulk=bulk,
    )
    assert row.state == InboundMail.State.TRIAGE
    assert ticket.messages.filter(direction="in").count() == 1


@pytest.mark.parametrize("bulk", [False, True])
def test_the_tickets_organisation_and_its_participants_still_join_the_thread(
    contracted_personas: Personas, answered: tuple[Ticket, Message], box: Mailbox, bulk: bool
) -> None:
    ticket, answer = answered
    row = take(box, answering("adam@a.example", "<a2@a.example>", answer), bulk=bulk)
    assert row.state == InboundMail.State.INGESTED and row.ticket == ticket
    # An outside consultant the desk wrote to on this ticket is a participant.
    Message.objects.filter(pk=answer.pk).update(recipient="kons@c.example")
    row = take(box, answering("Kons@C.example", "<k1@c.example>", answer), bulk=bulk)
    assert row.state == InboundMail.State.INGESTED and row.ticket == ticket


def pending_ack(ticket: Ticket, recipient: str) -> Message:
    return Message.objects.create(
        ticket=ticket,
        direction=Message.Direction.OUTBOUND,
        channel="email",
        delivery=Message.Delivery.PENDING,
        body_text="Przyjęliśmy zgłoszenie.",
        recipient=recipient,
        auto_submitted="auto-replied",
    )


@pytest.mark.parametrize("bad", ["adam@@a.example", "adam@a.example, ewa@", "<>"])
def test_an_invalid_address_fails_alone_and_the_rest_of_the_batch_leaves(
    answered: tuple[Ticket, Message], smtp_sink: SmtpSink, bad: str
) -> None:
    ticket, _ = answered
    first, broken, last = (
        pending_ack(ticket, "one@a.example"),
        pending_ack(ticket, bad),
        pending_ack(ticket, "two@a.example"),
    )
    assert tasks.send_messages([first.pk, broken.pk, last.pk]) == 2
    assert sorted(m["To"] for m in smtp_sink.messages) == ["one@a.example", "two@a.example"]
    for message in (first, broken, last):
        message.refresh_from_db()
    assert first.delivery == last.delivery == Message.Delivery.SENT
    assert broken.delivery == Message.Delivery.FAILED
    assert broken.delivery_error.startswith("invalid address:")


def test_a_refused_address_in_a_batch_fails_alone(
    answered: tuple[Ticket, Message], smtp_sink: SmtpSink
) -> None:
    async def refuse(
        server: object, session: object, envelope: object, address: str, options: list[str]
    ) -> str:
        if address.startswith("gone@"):
            return "550 5.1.1 no such user"
        envelope.rcpt_tos.append(address)  # type: ignore[attr-defined]
        return "250 OK"

    smtp_sink.handler.handle_RCPT = refuse  # type: ignore[attr-defined]
    ticket, _ = answered
    gone, fine = pending_ack(ticket, "gone@a.example"), pending_ack(ticket, "fine@a.example")
    assert tasks.send_messages([gone.pk, fine.pk]) == 1
    gone.refresh_from_db()
    assert gone.delivery == Message.Delivery.FAILED and "no such user" in gone.delivery_error


def _age(message: Message, minutes: int, attempts: int = 0) -> None:
    Message.objects.filter(pk=message.pk).update(
        updated_at=timezone.now() - dt.timedelta(minutes=minutes), attempts=attempts
    )


def test_mail_stuck_pending_is_sent_again_by_the_sweep_or_failed_visibly(
    answered: tuple[Ticket, Message],
    smtp_sink: SmtpSink,
    settings: pytest.FixtureRequest,
    eager_celery: None,
) -> None:
    settings.MAIL_SEND_RETRIES = 3  # type: ignore[attr-defined]
    ticket, answer = answered  # pending: its task never ran in this test
    fresh = pending_ack(ticket, "fresh@a.example")
    hopeless = pending_ack(ticket, "hopeless@a.example")
    _age(answer, 80)
    _age(hopeless, 300, attempts=3)
    assert tasks.sweep_stuck_mail() == 1
    for message in (answer, fresh, hopeless):
        message.refresh_from_db()
    assert answer.delivery == Message.Delivery.SENT
    assert [m["To"] for m in smtp_sink.messages] == ["adam@a.example"]
    assert fresh.delivery == Message.Delivery.PENDING  # not stuck: too young
    assert hopeless.delivery == Message.Delivery.FAILED
    assert hopeless.delivery_error.startswith("stuck:")
    assert tasks.sweep_stuck_mail() == 0  # nothing is taken twice


def test_the_sweep_sends_nothing_while_the_server_is_down_and_counts_the_try(
    answered: tuple[Ticket, Message], settings: pytest.FixtureRequest
) -> None:
    settings.EMAIL_PORT = free_port()  # type: ignore[attr-defined]
    _ticket, answer = answered
    _age(answer, 80)
    assert actions.sweep_stuck() == [answer.pk]
    answer.refresh_from_db()
    assert answer.attempts == 1 and answer.delivery == Message.Delivery.PENDING
    assert actions.sweep_stuck() == []  # claimed: young again


def test_resend_takes_stuck_mail_but_not_mail_on_its_way(
    answered: tuple[Ticket, Message],
    smtp_sink: SmtpSink,
    eager_celery: None,
    django_capture_on_commit_callbacks,
) -> None:
    _ticket, answer = answered
    with pytest.raises(actions.MailError, match="delivery: the message is pending"):
        actions.resend(answer)
    _age(answer, 80)
    with django_capture_on_commit_callbacks(execute=True):
        actions.resend(answer)
    answer.refresh_from_db()
    assert answer.delivery == Message.Delivery.SENT
    assert len(smtp_sink.messages) == 1


def test_a_failing_mailbox_is_tried_again_after_its_interval_not_every_minute(db: None) -> None:
    now = timezone.now()
    failing = Mailbox.objects.create(
        name="zla",
        address="zla@kjm.example",
        host="127.0.0.1",
        port=free_port(),
        security=Mailbox.Security.PLAIN,
        username="u",
        password="p",
        poll_minutes=15,
    )
    assert poll.due(now) == [failing]
    assert poll.poll(failing).error.startswith("IMAP:")
    failing.refresh_from_db()
    assert failing.last_error and failing.last_polled_at is None
    assert poll.due(timezone.now() + dt.timedelta(minutes=1)) == []
    assert poll.due(timezone.now() + dt.timedelta(minutes=16)) == [failing]


def test_test_connection_says_what_went_wrong_and_writes_nothing(db: None) -> None:
    failing = Mailbox.objects.create(
        name="zla",
        address="zla@kjm.example",
        host="127.0.0.1",
        port=free_port(),
        security=Mailbox.Security.PLAIN,
        username="u",
        password="p",
    )
    assert "refused" in poll.check(failing).lower()
    failing.refresh_from_db()
    assert failing.last_error == "" and failing.last_error_at is None


@pytest.mark.needs_postgres
@pytest.mark.django_db(transaction=True)
def test_two_sweeps_in_parallel_take_each_stuck_message_once() -> None:
    from opiekun.catalog.actions import load_presets
    from opiekun.catalog.presets import PRESETS
    from opiekun.testing.personas import make_personas
    from opiekun.testing.threads import run_in_threads

    load_presets(list(PRESETS))
    p = make_personas()
    ticket = ticket_actions.open_ticket(p.org_a, channel="email", subject="X", contact=p.customer_a)
    stuck = [pending_ack(ticket, f"k{n}@a.example") for n in range(20)]
    for message in stuck:
        _age(message, 90)
    taken: list[list[int]] = []
    errors = run_in_threads(lambda n: taken.append(actions.sweep_stuck()), 3)
    assert errors == []
    every = [pk for batch in taken for pk in batch]
    assert sorted(every) == sorted(m.pk for m in stuck)  # each once, none twice
    assert set(Message.objects.filter(pk__in=every).values_list("attempts", flat=True)) == {1}
