"""Mail out through a real SMTP server (aiosmtpd): answers, acknowledgements, retries
and failures that show on the ticket (R-CH-2)."""

from __future__ import annotations

import pytest
from django.core import mail as django_mail

from opiekun.mail import actions
from opiekun.mail.models import Mailbox
from opiekun.mail.parse import header_text
from opiekun.testing.mailservers import SmtpSink, free_port
from opiekun.testing.personas import Personas
from opiekun.tickets import actions as ticket_actions
from opiekun.tickets.models import Message, Ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def email_ticket(contracted_personas: Personas) -> Ticket:
    ticket = ticket_actions.open_ticket(
        contracted_personas.org_a,
        channel="email",
        subject="Program nie drukuje",
        contact=contracted_personas.customer_a,
    )
    ticket_actions.customer_message(
        ticket,
        contact=contracted_personas.customer_a,
        body="Program nie drukuje faktur.",
        channel="email",
        mail={"sender": "adam@a.example", "message_id": "<q1@a.example>"},
    )
    Mailbox.objects.create(
        name="pomoc", address="pomoc@kjm.example", host="h", username="u", password="p"
    ).plans.add(ticket.contract.plan)  # type: ignore[union-attr]
    return ticket


def test_r_ch_2_an_e_mail_question_is_answered_by_e_mail_in_its_thread(
    contracted_personas: Personas,
    email_ticket: Ticket,
    smtp_sink: SmtpSink,
    eager_celery: None,
    django_capture_on_commit_callbacks,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        answer = ticket_actions.answer(
            email_ticket,
            staff=contracted_personas.agent,
            body="Proszę zaktualizować sterownik drukarki.",
            documentation_ref="Podręcznik administratora, rozdz. 4.2",
        )
    [sent] = smtp_sink.messages
    assert sent["To"] == "adam@a.example"
    assert sent["From"] == "pomoc@kjm.example"  # the mailbox of the ticket's plan
    assert answer.message_id is not None and answer.message_id.endswith("@localhost>")
    assert sent["Message-ID"] == answer.message_id
    assert sent["In-Reply-To"] == "<q1@a.example>"
    assert sent["References"] == "<q1@a.example>"
    assert sent["Auto-Submitted"] is None  # a person wrote it
    assert email_ticket.reference in header_text(sent["Subject"])
    body = sent.get_payload(decode=True)
    assert isinstance(body, bytes)
    body = body.decode()
    assert "Podręcznik administratora, rozdz. 4.2" in body  # R-CH-3
    answer.refresh_from_db()
    assert answer.delivery == Message.Delivery.SENT and answer.sent_at is not None


def test_an_answer_whose_server_is_down_is_retried_then_shown_failed_and_resent(
    contracted_personas: Personas,
    email_ticket: Ticket,
    smtp_sink: SmtpSink,
    eager_celery: None,
    django_capture_on_commit_callbacks,
    settings: pytest.FixtureRequest,
) -> None:
    settings.EMAIL_PORT = free_port()  # type: ignore[attr-defined]  # nobody listens
    settings.MAIL_SEND_RETRIES = 2  # type: ignore[attr-defined]
    with django_capture_on_commit_callbacks(execute=True):
        answer = ticket_actions.answer(
            email_ticket, staff=contracted_personas.agent, body="Odpowiedź"
        )
    answer.refresh_from_db()
    assert answer.delivery == Message.Delivery.FAILED
    assert answer.delivery_error.startswith("gave up after 3 attempts")
    assert answer.body_text == "Odpowiedź"  # the answer itself is not lost
    assert answer.attempts == 2

    settings.EMAIL_PORT = smtp_sink.port  # type: ignore[attr-defined]
    with django_capture_on_commit_callbacks(execute=True):
        actions.resend(answer, actor=contracted_personas.agent.user)
    answer.refresh_from_db()
    assert answer.delivery == Message.Delivery.SENT
    assert len(smtp_sink.messages) == 1
    with pytest.raises(actions.MailError, match="delivery: the message is sent"):
        actions.resend(answer)


def test_a_refused_address_fails_at_once(
    contracted_personas: Personas,
    email_ticket: Ticket,
    smtp_sink: SmtpSink,
    eager_celery: None,
    django_capture_on_commit_callbacks,
) -> None:
    async def refuse(
        server: object, session: object, envelope: object, address: str, options: list[str]
    ) -> str:
        return "550 5.1.1 no such user"

    smtp_sink.handler.handle_RCPT = refuse  # type: ignore[attr-defined]
    with django_capture_on_commit_callbacks(execute=True):
        answer = ticket_actions.answer(
            email_ticket, staff=contracted_personas.agent, body="Odpowiedź"
        )
    answer.refresh_from_db()
    assert answer.delivery == Message.Delivery.FAILED
    assert answer.delivery_error.startswith("refused:") and "no such user" in answer.delivery_error
    assert answer.attempts == 0


def test_r_sla_6_an_acknowledgement_by_e_mail_is_marked_automatic(
    contracted_personas: Personas,
    smtp_sink: SmtpSink,
    eager_celery: None,
    django_capture_on_commit_callbacks,
) -> None:
    ticket = ticket_actions.open_ticket(
        contracted_personas.org_a,
        channel="portal",
        subject="HOT-01",
        form={"return_channel": "email", "return_address": "urzad@a.example"},
    )
    with django_capture_on_commit_callbacks(execute=True):
        ticket_actions.acknowledge_receipt(ticket)
    [ack] = smtp_sink.messages
    assert ack["To"] == "urzad@a.example"
    assert ack["Auto-Submitted"] == "auto-replied"
    assert ack["X-Auto-Response-Suppress"] == "All"


def test_an_answer_without_an_address_is_refused_before_anything_is_written(
    contracted_personas: Personas,
) -> None:
    ticket = ticket_actions.open_ticket(contracted_personas.org_b, channel="email", subject="x")
    with pytest.raises(ticket_actions.IntakeError, match="channel: no e-mail address"):
        ticket_actions.answer(ticket, staff=contracted_personas.agent, body="Odpowiedź")
    assert not ticket.messages.exists()


def test_staff_notifications_are_marked_auto_generated(
    contracted_personas: Personas,
) -> None:
    from opiekun.tickets import tasks
    from opiekun.tickets.models import SlaNotification

    ticket = ticket_actions.open_ticket(contracted_personas.org_a, channel="email", subject="x")
    notice = SlaNotification.objects.create(
        ticket=ticket, recipient=contracted_personas.agent, kind=SlaNotification.Kind.WARNING
    )
    tasks.send_sla_notification(notice.pk)
    [sent] = django_mail.outbox
    assert sent.extra_headers["Auto-Submitted"] == "auto-generated"
