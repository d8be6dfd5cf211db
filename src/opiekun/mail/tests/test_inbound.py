"""Mail in, against a real Dovecot: tickets, threads, triage, dedupe, quarantine, loops,
bounces, the fax gateway and R-SLA-8."""

from __future__ import annotations

import datetime as dt
from email.message import Message as EmailMessage
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.db import IntegrityError

from opiekun.core.audit import events_for
from opiekun.customers import actions as customer_actions
from opiekun.mail import actions, poll
from opiekun.mail.models import InboundMail, Mailbox
from opiekun.mail.parse import header_text
from opiekun.mail.tests.conftest import eml, make_mailbox
from opiekun.testing.mailservers import Dovecot, SmtpSink
from opiekun.testing.personas import Personas
from opiekun.tickets import actions as ticket_actions
from opiekun.tickets.models import Attachment, Message, Ticket

pytestmark = [pytest.mark.django_db, pytest.mark.needs_dovecot]
W = ZoneInfo("Europe/Warsaw")


def mail(
    subject: str = "Program nie drukuje",
    *,
    sender: str = "adam@a.example",
    message_id: str | None = "<m1@a.example>",
    extra: str = "",
    body: str = "Dzień dobry, program nie drukuje faktur.",
) -> bytes:
    headers = f"From: Adam <{sender}>\r\nTo: pomoc@kjm.example\r\nSubject: {subject}\r\n"
    headers += f"Message-ID: {message_id}\r\n" if message_id else ""
    headers += "Date: Sat, 21 Nov 2026 09:00:00 +0100\r\nMIME-Version: 1.0\r\n"
    headers += "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n"
    return (headers + extra + "\r\n").encode() + body.encode() + b"\r\n"


def sent_to(sink: SmtpSink, address: str) -> list[EmailMessage]:
    return [m for m in sink.messages if m["To"] == address]


def test_mail_from_a_contact_opens_a_ticket_and_is_acknowledged(
    contracted_personas: Personas,
    mailbox: Mailbox,
    dovecot_server: Dovecot,
    smtp_sink: SmtpSink,
    eager_celery: None,
    django_capture_on_commit_callbacks,
) -> None:
    dovecot_server.append(mailbox.username, [eml("outlook-cp1250.eml")])
    with django_capture_on_commit_callbacks(execute=True):
        result = poll.poll(mailbox)
    assert (result.fetched, result.new, result.error) == (1, 1, "")

    ticket = Ticket.objects.get()
    assert ticket.organisation == contracted_personas.org_a
    assert ticket.reference == "KJM/2026/00001"
    assert ticket.contact == contracted_personas.customer_a
    assert (ticket.channel, ticket.subject) == ("email", "Błąd przy zamknięciu miesiąca")
    assert ticket.contract == contracted_personas.contract_a
    # Opened in bulk with a chunk, yet exactly as open_ticket opens one, audit included.
    twin = ticket_actions.open_ticket(
        ticket.organisation,
        channel="email",
        subject="twin",
        contact=ticket.contact,
        received_at=ticket.received_at,
    )
    same = ("reaction_due_at", "guaranteed", "sla_explanation", "queue_priority", "assignee_id")
    assert [getattr(ticket, f) for f in same] == [getattr(twin, f) for f in same]
    assert ticket.sla_explanation  # KJM care guarantees critical outages only: it says so
    assert sorted(e.kind for e in events_for(ticket)) == [
        "ticket.attachment_added",
        "ticket.customer_wrote",
        "ticket.opened",
    ]
    question = ticket.messages.get(direction="in")
    assert question.message_id == "<AM0PR02MB1234ABCD@AM0PR02MB1234.eurprd02.prod.outlook.com>"
    assert "Nie można zapisać dokumentu" in question.body_text
    [shot] = Attachment.objects.filter(message=question)
    assert (shot.filename, shot.content_type) == ("zrzut ekranu.png", "image/png")

    # The acknowledgement: automatic, threaded, from the mailbox, on our domain.
    [ack] = sent_to(smtp_sink, "adam@a.example")
    assert ack["Auto-Submitted"] == "auto-replied"
    assert ack["In-Reply-To"] == question.message_id
    assert question.message_id in ack["References"]
    assert ack["Message-ID"].endswith("@localhost>")
    assert ack["From"] == "pomoc@kjm.example"
    assert ticket.reference in header_text(ack["Subject"])
    stored_ack = ticket.messages.get(direction="out")
    assert stored_ack.delivery == Message.Delivery.SENT
    assert stored_ack.message_id == ack["Message-ID"]

    # Marked on the server only after the commit; nothing left to read.
    assert dovecot_server.count(mailbox.username, "NOT KEYWORD $Opiekun") == 0
    assert poll.poll(mailbox).fetched == 0
    assert InboundMail.objects.get().state == InboundMail.State.INGESTED
    assert Ticket.objects.filter(subject="twin").get().reference == "KJM/2026/00002"


def test_a_reply_threads_by_in_reply_to_and_restarts_a_paused_clock(
    contracted_personas: Personas, mailbox: Mailbox, dovecot_server: Dovecot
) -> None:
    dovecot_server.append(mailbox.username, [mail()])
    poll.poll(mailbox)
    ticket = Ticket.objects.get()
    ticket_actions.wait_for_customer(ticket)
    answer = ticket_actions.answer(
        ticket, staff=contracted_personas.agent, body="Proszę o zrzut ekranu."
    )
    assert answer.recipient == "adam@a.example"
    assert answer.in_reply_to == "<m1@a.example>"

    reply = mail(
        "Re: Program nie drukuje",
        message_id="<m2@a.example>",
        extra=(
            f"In-Reply-To: {answer.message_id}\r\n"
            f"References: <m1@a.example> {answer.message_id}\r\n"
        ),
        body="W załączeniu zrzut.",
    )
    dovecot_server.append(mailbox.username, [reply])
    poll.poll(mailbox)
    assert Ticket.objects.count() == 1
    ticket.refresh_from_db()
    assert ticket.paused_since is None  # the customer answered: the clock runs again
    assert list(ticket.messages.filter(direction="in").values_list("message_id", flat=True)) == [
        "<m1@a.example>",
        "<m2@a.example>",
    ]


def test_the_reference_sign_in_the_subject_threads_only_for_its_own_organisation(
    contracted_personas: Personas, mailbox: Mailbox, dovecot_server: Dovecot
) -> None:
    dovecot_server.append(mailbox.username, [mail()])
    poll.poll(mailbox)
    ticket = Ticket.objects.get()
    same = mail(f"Odp: [{ticket.reference}] drukarka", message_id="<m3@a.example>")
    other = mail(
        f"[{ticket.reference}] drukarka", sender="beata@b.example", message_id="<b1@b.example>"
    )
    dovecot_server.append(mailbox.username, [same, other])
    poll.poll(mailbox)
    assert ticket.messages.filter(direction="in").count() == 2
    # Customer B guessed A's sign: a ticket of B's own, nothing added to A's.
    b_ticket = Ticket.objects.get(organisation=contracted_personas.org_b)
    assert b_ticket.messages.get(direction="in").message_id == "<b1@b.example>"


def test_an_unknown_sender_waits_in_triage_then_is_assigned(
    contracted_personas: Personas, mailbox: Mailbox, dovecot_server: Dovecot
) -> None:
    dovecot_server.append(mailbox.username, [mail(sender="nowy@c.example")])
    poll.poll(mailbox)
    assert not Ticket.objects.exists()
    inbound = InboundMail.objects.get()
    assert inbound.state == InboundMail.State.TRIAGE
    assert inbound.reason == "unknown sender nowy@c.example"
    # It is done on the server: triage is ours now, not the mailbox's.
    assert dovecot_server.count(mailbox.username, "NOT KEYWORD $Opiekun") == 0

    actions.assign(
        inbound, contracted_personas.org_b, actor=contracted_personas.account_manager.user
    )
    inbound.refresh_from_db()
    assert inbound.state == InboundMail.State.INGESTED
    assert inbound.ticket is not None and inbound.ticket.organisation == contracted_personas.org_b
    assert [e.kind for e in events_for(inbound)][:2] == ["mail.assigned", "mail.triage"]


def test_the_same_message_twice_and_in_two_mailboxes_is_taken_once(
    contracted_personas: Personas, dovecot_server: Dovecot, imap_user: str
) -> None:
    first = make_mailbox(dovecot_server, imap_user)
    second_user = dovecot_server.add_user(imap_user + "x")
    second = make_mailbox(dovecot_server, second_user, name="druga", address="druga@kjm.example")
    no_id = mail(message_id=None, body="bez Message-ID")
    dovecot_server.append(first.username, [mail(), mail(), no_id, no_id])
    dovecot_server.append(second.username, [mail()])
    one, two = poll.poll(first), poll.poll(second)
    assert (one.fetched, one.new, one.duplicates) == (4, 2, 2)
    assert (two.fetched, two.new, two.duplicates) == (1, 0, 1)
    assert Ticket.objects.count() == 2
    assert InboundMail.objects.filter(dedupe_key__startswith="sha256:").count() == 1
    assert dovecot_server.count(second.username, "NOT KEYWORD $Opiekun") == 0


def test_a_bad_message_is_quarantined_without_blocking_the_batch_and_can_be_retried(
    contracted_personas: Personas, mailbox: Mailbox, dovecot_server: Dovecot
) -> None:
    batch = [
        mail(message_id="<q1@a.example>"),
        eml("not-an-email.eml"),
        mail(message_id="<q2@a.example>"),
    ]
    dovecot_server.append(mailbox.username, batch)
    result = poll.poll(mailbox)
    assert result.states == {"ingested": 2, "quarantined": 1}
    bad = InboundMail.objects.get(state=InboundMail.State.QUARANTINED)
    assert bad.reason == "ParseError: message: no headers"
    # The raw bytes are kept (as the server holds them: IMAP servers drop NUL bytes).
    assert b"binary garbage without any header line" in bytes(bad.raw)
    assert Ticket.objects.count() == 2
    assert actions.retry(bad).state == InboundMail.State.QUARANTINED
    actions.discard(bad, reason="gateway garbage")
    assert InboundMail.objects.get(pk=bad.pk).state == InboundMail.State.DISCARDED


def test_a_message_that_crashed_processing_three_times_is_quarantined(
    contracted_personas: Personas, mailbox: Mailbox
) -> None:
    inbound, _ = actions.receive(mailbox, mail())
    InboundMail.objects.filter(pk=inbound.pk).update(attempts=3)  # three workers died on it
    assert actions.process(inbound.pk).state == InboundMail.State.QUARANTINED
    assert "did not finish in 3 attempts" in InboundMail.objects.get().reason


def test_automatic_mail_is_never_answered(
    contracted_personas: Personas,
    mailbox: Mailbox,
    dovecot_server: Dovecot,
    smtp_sink: SmtpSink,
    eager_celery: None,
    django_capture_on_commit_callbacks,
) -> None:
    dovecot_server.append(mailbox.username, [mail()])
    with django_capture_on_commit_callbacks(execute=True):
        poll.poll(mailbox)
    ticket = Ticket.objects.get()
    ticket_actions.resolve(ticket)

    def answers() -> list[object]:
        # Staff are told of new tickets by e-mail too (issue 15): none of that is an answer.
        return [m for m in smtp_sink.messages if not m["To"].endswith("@vendor.example")]

    acks = len(answers())
    robots = [
        eml("out-of-office.eml").replace(b"KJM/2026/00001", ticket.reference.encode()),
        mail("Newsletter", message_id="<n1@a.example>", extra="Precedence: bulk\r\n"),
        mail("Lista", message_id="<n2@a.example>", extra="List-Id: <lista.a.example>\r\n"),
        mail("Auto", message_id="<n3@a.example>", extra="X-Autoreply: yes\r\n"),
    ]
    dovecot_server.append(mailbox.username, robots)
    with django_capture_on_commit_callbacks(execute=True):
        poll.poll(mailbox)
    assert len(answers()) == acks  # not one answer to a robot
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.RESOLVED  # an out-of-office does not reopen it
    assert ticket.messages.filter(message_id="<oof-1@a.example>").exists()


def test_at_most_n_automatic_mails_per_recipient_a_day(
    contracted_personas: Personas,
    mailbox: Mailbox,
    dovecot_server: Dovecot,
    smtp_sink: SmtpSink,
    eager_celery: None,
    django_capture_on_commit_callbacks,
    settings: pytest.FixtureRequest,
) -> None:
    settings.MAIL_AUTO_REPLY_LIMIT = 3  # type: ignore[attr-defined]
    batch = [mail(f"Pytanie {n}", message_id=f"<r{n}@a.example>") for n in range(5)]
    dovecot_server.append(mailbox.username, batch)
    with django_capture_on_commit_callbacks(execute=True):
        poll.poll(mailbox)
    assert Ticket.objects.count() == 5  # every question is a ticket
    assert len(sent_to(smtp_sink, "adam@a.example")) == 3


def test_an_oversized_message_is_kept_and_politely_bounced(
    contracted_personas: Personas,
    mailbox: Mailbox,
    dovecot_server: Dovecot,
    smtp_sink: SmtpSink,
    eager_celery: None,
    django_capture_on_commit_callbacks,
    settings: pytest.FixtureRequest,
) -> None:
    settings.MAIL_MAX_MESSAGE_BYTES = 2048  # type: ignore[attr-defined]
    big = mail(body="x" * 5000)
    dovecot_server.append(mailbox.username, [big])
    with django_capture_on_commit_callbacks(execute=True):
        poll.poll(mailbox)
    inbound = InboundMail.objects.get()
    assert inbound.state == InboundMail.State.TOO_LARGE
    assert bytes(inbound.raw) == big
    assert not Ticket.objects.exists()
    [bounce] = sent_to(smtp_sink, "adam@a.example")
    assert bounce["Auto-Submitted"] == "auto-replied"
    assert bounce["In-Reply-To"] == "<m1@a.example>"
    assert "Message too large" in header_text(bounce["Subject"])


def test_a_bounce_of_our_answer_marks_it_failed_on_the_ticket(
    contracted_personas: Personas, mailbox: Mailbox, dovecot_server: Dovecot
) -> None:
    dovecot_server.append(mailbox.username, [mail()])
    poll.poll(mailbox)
    ticket = Ticket.objects.get()
    answer = ticket_actions.answer(ticket, staff=contracted_personas.agent, body="Odpowiedź")
    assert answer.message_id is not None
    dsn = eml("bounce-dsn.eml").replace(b"ORIGINAL_MESSAGE_ID", answer.message_id.encode())
    dovecot_server.append(mailbox.username, [dsn])
    poll.poll(mailbox)
    answer.refresh_from_db()
    assert answer.delivery == Message.Delivery.FAILED
    assert "User unknown" in answer.delivery_error
    assert Ticket.objects.count() == 1  # a bounce is not a ticket
    assert InboundMail.objects.get(dedupe_key="<dsn-1@mx.a.example>").state == "ignored"


def test_mail_from_our_own_mailbox_is_ignored(
    contracted_personas: Personas, mailbox: Mailbox, dovecot_server: Dovecot
) -> None:
    dovecot_server.append(mailbox.username, [mail(sender="pomoc@kjm.example")])
    poll.poll(mailbox)
    assert InboundMail.objects.get().state == InboundMail.State.IGNORED
    assert not Ticket.objects.exists()


def test_a_mailbox_tied_to_a_product_sets_it_on_the_ticket(
    contracted_personas: Personas, mailbox: Mailbox, dovecot_server: Dovecot
) -> None:
    product = contracted_personas.contract_a.plan.vendor.products.first()  # type: ignore[union-attr]
    assert product is not None
    mailbox.products.add(product)
    dovecot_server.append(mailbox.username, [mail()])
    poll.poll(mailbox)
    assert Ticket.objects.get().product == product


def test_the_fax_gateway_makes_fax_tickets_with_the_scan(
    contracted_personas: Personas, dovecot_server: Dovecot, imap_user: str
) -> None:
    gateway = make_mailbox(
        dovecot_server,
        imap_user,
        name="fax",
        address="fax@kjm.example",
        kind=Mailbox.Kind.FAX_GATEWAY,
    )
    customer_actions.add_contact(
        contracted_personas.org_a, "Sekretariat", faxes=["+48 22 123 45 67"]
    )
    no_scan = mail(
        "Fax from +48221234567", message_id="<fax-2@gateway.example>", sender="fax@gateway.example"
    )
    dovecot_server.append(gateway.username, [eml("fax-gateway.eml"), no_scan])
    result = poll.poll(gateway)
    assert result.states == {"ingested": 1, "quarantined": 1}
    ticket = Ticket.objects.get()
    assert (ticket.channel, ticket.organisation) == ("fax", contracted_personas.org_a)
    assert ticket.contact is not None and ticket.contact.full_name == "Sekretariat"
    [scan] = ticket.attachments.all()
    assert (scan.filename, scan.content_type) == ("fax-20261121-1600.pdf", "application/pdf")
    assert "no scan" in InboundMail.objects.get(state="quarantined").reason


def test_the_done_folder_mode_moves_read_mail(
    contracted_personas: Personas, dovecot_server: Dovecot, imap_user: str
) -> None:
    with dovecot_server.connect(imap_user) as box:
        box.folder.create("Przeczytane")
    mailbox = make_mailbox(dovecot_server, imap_user, done_folder="Przeczytane")
    dovecot_server.append(imap_user, [mail(), mail("Drugie", message_id="<m9@a.example>")])
    assert poll.poll(mailbox).new == 2
    assert dovecot_server.count(imap_user) == 0
    with dovecot_server.connect(imap_user) as box:
        box.folder.set("Przeczytane")
        assert len(box.uids()) == 2


def test_a_poll_holds_the_mailbox_so_a_second_worker_skips_it(mailbox: Mailbox) -> None:
    from django.utils import timezone

    now = timezone.now()
    token = poll.claim(mailbox.pk, now)
    assert token is not None
    assert poll.poll(mailbox).busy
    assert poll.claim(mailbox.pk, now + poll.LEASE + dt.timedelta(seconds=1)) is not None  # expired


def test_a_server_that_cannot_be_reached_is_written_on_the_mailbox(db: None) -> None:
    from opiekun.testing.mailservers import free_port

    mailbox = Mailbox.objects.create(
        name="down",
        address="down@kjm.example",
        host="127.0.0.1",
        port=free_port(),
        security=Mailbox.Security.PLAIN,
        username="x",
        password="y",
    )
    result = poll.poll(mailbox)
    mailbox.refresh_from_db()
    assert result.error.startswith("IMAP: ConnectionRefusedError")
    assert mailbox.last_error == result.error and mailbox.last_polled_at is None
    assert mailbox.lease_until is None  # released for the next try


def test_r_sla_8_a_mailbox_is_read_at_least_every_two_hours(db: None) -> None:
    with pytest.raises(IntegrityError):
        Mailbox.objects.create(
            name="rzadko",
            address="r@kjm.example",
            host="h",
            username="u",
            password="p",
            poll_minutes=121,
        )


def test_r_sla_8_mailboxes_not_read_for_two_hours_in_the_day_are_reported(db: None) -> None:
    mailbox = Mailbox.objects.create(
        name="pomoc",
        address="pomoc@kjm.example",
        host="h",
        username="u",
        password="p",
        created_at=dt.datetime(2026, 11, 1, tzinfo=W),
    )
    Mailbox.objects.filter(pk=mailbox.pk).update(
        last_polled_at=dt.datetime(2026, 11, 20, 21, 50, tzinfo=W)
    )
    # Overnight is not counted: at 8:30 the gap since 7:00 is 1.5 h.
    assert poll.overdue(dt.datetime(2026, 11, 21, 8, 30, tzinfo=W)) == []
    assert poll.overdue(dt.datetime(2026, 11, 21, 9, 1, tzinfo=W)) == [mailbox]
    assert poll.overdue(dt.datetime(2026, 11, 21, 23, 0, tzinfo=W)) == []
    Mailbox.objects.filter(pk=mailbox.pk).update(
        last_polled_at=dt.datetime(2026, 11, 21, 8, 0, tzinfo=W)
    )
    assert poll.overdue(dt.datetime(2026, 11, 21, 9, 59, tzinfo=W)) == []


def test_the_beat_job_polls_only_mailboxes_whose_interval_has_come(db: None) -> None:
    from django.utils import timezone

    now = timezone.now()
    fresh = Mailbox.objects.create(
        name="a", address="a@kjm.example", host="h", username="u", password="p", poll_minutes=5
    )
    stale = Mailbox.objects.create(
        name="b", address="b@kjm.example", host="h", username="u", password="p", poll_minutes=5
    )
    Mailbox.objects.filter(pk=fresh.pk).update(last_polled_at=now - dt.timedelta(minutes=2))
    Mailbox.objects.filter(pk=stale.pk).update(last_polled_at=now - dt.timedelta(minutes=6))
    assert poll.due(now) == [stale]


def test_the_mail_command_lists_what_needs_a_manager(
    contracted_personas: Personas,
    mailbox: Mailbox,
    dovecot_server: Dovecot,
    capsys: pytest.CaptureFixture[str],
) -> None:
    dovecot_server.append(
        mailbox.username, [mail(sender="nowy@c.example"), eml("not-an-email.eml")]
    )
    call_command("mail", "poll")
    call_command("mail", "list")
    out = capsys.readouterr().out
    assert "2 read, 2 new" in out
    assert "triage\tnowy@c.example" in out
    assert "quarantined" in out and "ParseError" in out


def test_r_sla_8_an_unread_mailbox_shows_on_the_health_check_and_the_command(
    db: None,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    settings: pytest.FixtureRequest,
) -> None:
    from django.core.management.base import CommandError
    from django.test import Client
    from django.utils import timezone

    noon = dt.datetime(2026, 11, 20, 12, 0, tzinfo=W)
    mailbox = Mailbox.objects.create(
        name="pomoc", address="pomoc@kjm.example", host="h", username="u", password="p"
    )
    Mailbox.objects.filter(pk=mailbox.pk).update(
        created_at=noon - dt.timedelta(days=3),
        last_polled_at=noon - dt.timedelta(hours=2, minutes=1),
    )
    monkeypatch.setattr(timezone, "now", lambda: noon)
    settings.HEALTHZ_TOKEN = "monitor-token"  # type: ignore[attr-defined]
    monitor = Client(HTTP_AUTHORIZATION="Bearer monitor-token")
    assert monitor.get("/healthz").json()["mailboxes_overdue"] == ["pomoc"]
    with pytest.raises(CommandError, match="1 mailbox"):
        call_command("mail", "check")
    assert "not read for over 2 hours: pomoc" in capsys.readouterr().out
    Mailbox.objects.filter(pk=mailbox.pk).update(last_polled_at=noon - dt.timedelta(minutes=5))
    assert monitor.get("/healthz").json()["mailboxes_overdue"] == []
    call_command("mail", "check")
