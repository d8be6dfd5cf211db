"""The events that tell customers (issue 16, item 2): the e-mail channel's receipt as the
mail app's acknowledgement, hour banks at 50/80/100 %, packages 30 days before they
expire, statements and registers ready to approve; the API for a contact's choices."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from opiekun.catalog.models import Plan
from opiekun.contracts import actions as contract_actions
from opiekun.contracts import banks
from opiekun.mail import actions as mail_actions
from opiekun.mail.models import Mailbox
from opiekun.notifications import customer_actions, customer_preferences
from opiekun.notifications.customer_kinds import CustomerKind
from opiekun.notifications.customer_models import CustomerNotice
from opiekun.reports import actions as report_actions
from opiekun.reports import statements
from opiekun.testing.personas import Personas
from opiekun.tickets import actions
from opiekun.tickets.models import Message, Ticket

pytestmark = pytest.mark.django_db


def raw_mail(sender: str, subject: str, auto: str = "") -> bytes:
    headers = (
        f"From: Klient <{sender}>\r\nTo: pomoc@kjm.example\r\nSubject: {subject}\r\n"
        f"Message-ID: <{subject.replace(' ', '.')}@client.example>\r\n"
        "Date: Tue, 01 Dec 2026 09:00:00 +0100\r\nMIME-Version: 1.0\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n"
    )
    if auto:
        headers += f"Auto-Submitted: {auto}\r\n"
    return (headers + "\r\nDzień dobry, nie działa.\r\n").encode()


def file_mail(raw: bytes) -> Ticket:
    mailbox = Mailbox.objects.get_or_create(
        name="pomoc", address="pomoc@kjm.example", host="127.0.0.1", port=1, username="u"
    )[0]
    inbound, _new = mail_actions.receive(mailbox, raw)
    done = mail_actions.process(inbound.pk, counted=True)
    assert done.ticket is not None, done.state
    return done.ticket


def acknowledgement(ticket: Ticket) -> Message | None:
    return ticket.messages.filter(direction=Message.Direction.OUTBOUND).first()


def test_the_email_receipt_is_the_template_in_the_contacts_language(
    contracted_personas: Personas,
) -> None:
    p = contracted_personas
    p.customer_a.language = "en"
    p.customer_a.save()
    ticket = file_mail(raw_mail("adam@a.example", "Printer broken"))
    ack = acknowledgement(ticket)
    assert ack is not None
    assert ack.subject == f"[{ticket.reference}] We have received your request: Printer broken"
    assert "Reaction deadline: no guaranteed reaction time" in ack.body_text
    assert "/portal/unsubscribe/" in ack.body_text  # KJM care: not guaranteed, not required
    assert ack.auto_submitted  # the loop guards' mark: robots must not answer it
    assert not CustomerNotice.objects.exists()  # one receipt: the acknowledgement


def test_a_guaranteed_email_receipt_is_sent_even_after_opting_out(
    contracted_personas: Personas,
) -> None:
    """SHIP START guarantees a reaction for e-mail (R-SLA-5): the receipt promises it."""
    p = contracted_personas
    customer_actions.set_choices(p.customer_b, {CustomerKind.RECEIPT: False})
    ticket = file_mail(raw_mail("beata@b.example", "Faktura"))
    assert ticket.guaranteed
    ack = acknowledgement(ticket)
    assert ack is not None
    assert ack.subject == f"[{ticket.reference}] Przyjęliśmy zgłoszenie: Faktura"
    due = timezone.localtime(ticket.reaction_due_at)
    assert f"{due:%Y-%m-%d %H:%M}" in ack.body_text
    assert "/portal/unsubscribe/" not in ack.body_text


def test_an_unguaranteed_email_receipt_follows_the_contacts_choice(
    contracted_personas: Personas,
) -> None:
    customer_actions.set_choices(contracted_personas.customer_a, {CustomerKind.RECEIPT: False})
    ticket = file_mail(raw_mail("adam@a.example", "Bez potwierdzenia"))
    assert acknowledgement(ticket) is None


def test_automatic_mail_gets_no_receipt(contracted_personas: Personas) -> None:
    ticket = file_mail(raw_mail("adam@a.example", "Out of office", auto="auto-replied"))
    assert acknowledgement(ticket) is None


def package_customer(p: Personas) -> Ticket:
    contract = contract_actions.record_active_contract(
        p.org_a, Plan.objects.get(code="KJM-PACKAGE"), number="P/1", starts_on=dt.date(2026, 1, 1)
    )
    banks.grant_package(contract, purchased_on=timezone.localdate())
    return actions.open_ticket(p.org_a, channel="phone", subject="Pakiet", contact=p.customer_a)


def test_the_bank_is_told_at_50_80_and_100_percent_once_each(
    personas: Personas, presets: None
) -> None:
    ticket = package_customer(personas)
    steps = []
    for minutes in (60, 30, 30, 30, 30):  # of 180: 33, 50, 67, 83, 100 %
        actions.log_work(ticket, staff=personas.agent, kind="remote", raw_minutes=minutes)
        steps.append(
            sorted(
                n.params["percent"]
                for n in CustomerNotice.objects.filter(kind=CustomerKind.BANK_USAGE)
            )
        )
    assert steps == [[], ["50"], ["50"], ["50", "80"], ["100", "50", "80"]]
    last = CustomerNotice.objects.get(kind=CustomerKind.BANK_USAGE, params__percent="100")
    assert (last.params["used"], last.params["left"]) == ("3.0", "0.0")


def test_a_package_is_announced_30_days_before_it_expires_once(
    personas: Personas, presets: None, eager_celery: None, django_capture_on_commit_callbacks
) -> None:
    personas.customer_a.language = "en"
    personas.customer_a.save()
    contract = contract_actions.record_active_contract(
        personas.org_a,
        Plan.objects.get(code="KJM-PACKAGE"),
        number="P/2",
        starts_on=dt.date(2026, 1, 1),
    )
    bank = banks.grant_package(contract, purchased_on=timezone.localdate())
    assert customer_actions.warn_expiring() == 0  # three months ahead: not yet
    assert bank.expires_at is not None
    soon = bank.expires_at - dt.timedelta(days=29)
    with django_capture_on_commit_callbacks(execute=True):
        assert customer_actions.warn_expiring(soon) == 1
    assert customer_actions.warn_expiring(soon) == 0
    (sent,) = [m for m in mail.outbox if m.to == ["adam@a.example"]]
    expires = f"{timezone.localtime(bank.expires_at):%Y-%m-%d}"
    assert sent.subject.startswith(f"Hour package expires on {expires}: package of ")
    assert "3.0 h are left" in sent.body


def test_an_issued_statement_is_ready_to_approve(
    contracted_personas: Personas, eager_celery: None, django_capture_on_commit_callbacks
) -> None:
    contract = contracted_personas.contract_a
    assert contract is not None
    with django_capture_on_commit_callbacks(execute=True):
        statement = statements.issue(contract, dt.date(2026, 10, 1))
    notice = CustomerNotice.objects.get(kind=CustomerKind.STATEMENT_READY)
    assert notice.contact == contracted_personas.customer_a
    (sent,) = [m for m in mail.outbox if m.to == ["adam@a.example"]]
    assert sent.subject == "Zestawienie za 2026-10 czeka na akceptację"
    assert f"/portal/statements/{statement.pk}/" in sent.body


def test_a_register_issued_by_staff_is_ready_to_approve_once(
    contracted_personas: Personas,
) -> None:
    p = contracted_personas
    for _ in range(2):
        report_actions.issue_register(p.org_a, dt.date(2026, 10, 1), "csv", actor=p.agent.user)
    notice = CustomerNotice.objects.get(kind=CustomerKind.REGISTER_READY)
    assert (notice.contact, notice.params["period"]) == (p.customer_a, "2026-10")
    # A contact downloading it is not told what they are looking at.
    report_actions.issue_register(p.org_b, dt.date(2026, 10, 1), "csv", actor=p.customer_b.user)
    assert not CustomerNotice.objects.filter(contact=p.customer_b).exists()


def test_the_api_reads_and_sets_the_contacts_own_choices(personas: Personas) -> None:
    client = Client()
    client.force_login(personas.user("customer_a"))
    before = client.get("/api/v1/my/notification-choices").json()
    assert [c["kind"] for c in before] == CustomerKind.values
    assert all(c["enabled"] for c in before)
    response = client.put(
        "/api/v1/my/notification-choices",
        data={"choices": [{"kind": "bank_usage", "enabled": False}]},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert [c["kind"] for c in response.json() if not c["enabled"]] == ["bank_usage"]
    assert customer_preferences.table(personas.customer_a.pk)["bank_usage"] is False
    refused = client.put(
        "/api/v1/my/notification-choices",
        data={"choices": [{"kind": "everything", "enabled": False}]},
        content_type="application/json",
    )
    assert refused.status_code == 422
    staff = Client()
    staff.force_login(personas.user("agent"))
    assert staff.get("/api/v1/my/notification-choices").status_code == 404
