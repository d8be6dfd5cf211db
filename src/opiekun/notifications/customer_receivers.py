"""The events customers are told about, from the signals of the apps below (ADR 11,
ADR 16). Each receiver runs inside the action's transaction; ``customer_actions.tell``
keys every notice by its event, so a signal sent twice still tells each contact once."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver
from django.urls import reverse

from opiekun.catalog.choices import Channel
from opiekun.contracts import signals as contract_signals
from opiekun.contracts.models import HourBank, Statement
from opiekun.core.audit import Actor
from opiekun.customers.access import contact_of
from opiekun.customers.models import Contact, Organisation
from opiekun.mail import signals as mail_signals
from opiekun.notifications import customer_actions, customer_links, customer_mail
from opiekun.notifications import customer_preferences as preferences
from opiekun.notifications.customer_kinds import CustomerKind
from opiekun.reports import signals as report_signals
from opiekun.tickets import signals
from opiekun.tickets.models import Message, Ticket

# E-mail tickets get their receipt as the mail app's acknowledgement (receipt_words
# below), on the thread and under its loop guards; a HOT-01 form is confirmed by the
# channel the form asks for (R-SLA-6); a forum post is answered in the forum.
_RECEIPT_ELSEWHERE = frozenset({Channel.EMAIL, Channel.FORUM})


def receipt_required(ticket: Ticket) -> bool:
    """A receipt that promises a guaranteed deadline is part of the contract's service:
    it is sent even to a contact who switched receipts off (ADR 16)."""
    return bool(ticket.guaranteed and ticket.reaction_due_at)


@receiver(contract_signals.topup_offered, dispatch_uid="notifications.customer_topup_offer")
def topup_offered(sender: Any, *, offers: list[Any], **kwargs: Any) -> None:
    # Issue 21, item 4: an e-mail with a link to the portal, to those who may buy.
    customer_actions.tell_offers(offers)


@receiver(signals.tickets_opened, dispatch_uid="notifications.customer_receipt")
def receipt(sender: Any, *, tickets: list[Ticket], actor: Actor = None, **kwargs: Any) -> None:
    for ticket in tickets:
        if ticket.channel in _RECEIPT_ELSEWHERE or ticket.return_channel:
            continue
        contact = (
            Contact.objects.filter(pk=ticket.contact_id).first() if ticket.contact_id else None
        )
        customer_actions.tell(
            CustomerKind.RECEIPT,
            contact,
            key=f"receipt:{ticket.pk}",
            ticket=ticket,
            required=receipt_required(ticket),
        )


@receiver(mail_signals.receipt_words, dispatch_uid="notifications.customer_receipt_words")
def receipt_words(
    sender: Any, *, ticket: Ticket, contact: Contact | None, **kwargs: Any
) -> tuple[str, str] | bool:
    required = receipt_required(ticket)
    if (
        contact is not None
        and not required
        and not preferences.wanted(contact.pk, CustomerKind.RECEIPT)
    ):
        return False
    subject, body = customer_mail.words(CustomerKind.RECEIPT, contact, ticket, {})
    if contact is not None and not required:
        body = body.rstrip("\n") + "\n" + customer_mail.footer(contact, CustomerKind.RECEIPT)
    return subject, body


@receiver(signals.answered, dispatch_uid="notifications.customer_answer")
def answered(sender: Any, *, message: Message, actor: Actor = None, **kwargs: Any) -> None:
    """An e-mail answer is itself the e-mail; any other (the portal's, R-CH-2: a portal
    question is answered on the portal) is announced with a link, never its text, so
    the answer stays on the channel it was given by."""
    if message.channel == Channel.EMAIL:
        return
    ticket = message.ticket
    contact = Contact.objects.filter(pk=ticket.contact_id).first() if ticket.contact_id else None
    customer_actions.tell(CustomerKind.ANSWER, contact, key=f"answer:{message.pk}", ticket=ticket)


@receiver(signals.status_changed, dispatch_uid="notifications.customer_status")
def status_changed(
    sender: Any, *, ticket: Ticket, status: str, actor: Actor = None, **kwargs: Any
) -> None:
    if status == Ticket.Status.WAITING_CUSTOMER and ticket.paused_since is not None:
        kind, key = CustomerKind.WAITING, f"waiting:{ticket.pk}:{ticket.paused_since.isoformat()}"
    elif status == Ticket.Status.RESOLVED and ticket.resolved_at is not None:
        # Resolved, reopened and resolved again is a new event: the moment tells it.
        kind, key = CustomerKind.RESOLVED, f"resolved:{ticket.pk}:{ticket.resolved_at.isoformat()}"
    else:
        return
    contact = Contact.objects.filter(pk=ticket.contact_id).first() if ticket.contact_id else None
    customer_actions.tell(kind, contact, key=key, ticket=ticket)


@receiver(contract_signals.bank_drawn, dispatch_uid="notifications.customer_bank_usage")
def bank_drawn(sender: Any, *, banks: list[HourBank], **kwargs: Any) -> None:
    customer_actions.thresholds_reached(
        HourBank.objects.filter(pk__in=[b.pk for b in banks]).select_related("contract")
    )


@receiver(report_signals.statement_issued, dispatch_uid="notifications.customer_statement")
def statement_issued(sender: Any, *, statement: Statement, **kwargs: Any) -> None:
    customer_actions.tell_organisation(
        CustomerKind.STATEMENT_READY,
        statement.contract.organisation_id,
        key=f"statement:{statement.pk}",
        period=f"{statement.period_start:%Y-%m}",
        document_url=customer_links.absolute(reverse("portal:statement", args=[statement.pk])),
    )


@receiver(report_signals.register_issued, dispatch_uid="notifications.customer_register")
def register_issued(
    sender: Any, *, organisation: Organisation, period_start: Any, actor: Actor = None, **kw: Any
) -> None:
    if actor is not None and contact_of(actor) is not None:
        return  # a contact downloading it knows already
    customer_actions.tell_organisation(
        CustomerKind.REGISTER_READY,
        organisation.pk,
        key=f"register:{organisation.pk}:{period_start:%Y-%m}",
        period=f"{period_start:%Y-%m}",
        document_url=customer_links.absolute(reverse("portal:register")),
    )
