"""A customer notification in words: the template of its kind in the contact's language
(the vendor's row, or the shipped default), filled, with the unsubscribe footer."""

from __future__ import annotations

from functools import partial

from django.conf import settings
from django.core.mail import EmailMessage
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from opiekun.contracts import banks, topup_sizing
from opiekun.contracts.models import HourBank, TopUpOffer
from opiekun.core import batch
from opiekun.customers.models import Contact
from opiekun.notifications import customer_links, customer_texts
from opiekun.notifications.customer_kinds import CustomerKind
from opiekun.notifications.customer_models import CustomerNotice, CustomerTemplate
from opiekun.reports.models import Dispute
from opiekun.tickets import ratings
from opiekun.tickets.models import Ticket

# Sent by the desk itself: out-of-office replies to it are not wanted (RFC 3834).
HEADERS = {"Auto-Submitted": "auto-generated", "X-Auto-Response-Suppress": "All"}


def language_of(contact: Contact | None) -> str:
    codes = {code for code, _name in settings.LANGUAGES}
    language = contact.language if contact is not None else ""
    return language if language in codes else settings.LANGUAGE_CODE


def template(kind: str, language: str) -> tuple[str, str]:
    """The vendor's template, else ours; read once per batch (a chunk of mail)."""
    return batch.remember(("customer_template", kind, language), partial(_template, kind, language))


def _template(kind: str, language: str) -> tuple[str, str]:
    found = CustomerTemplate.objects.filter(kind=kind, language=language).first()
    if found is not None:
        return found.subject, found.body
    return customer_texts.DEFAULTS[kind][language]


def deadline(ticket: Ticket) -> str:
    """In the active language: the moment, or why there is none."""
    if ticket.guaranteed and ticket.reaction_due_at:
        moment = timezone.localtime(ticket.reaction_due_at)
        return formats.date_format(moment, "D Y-m-d H:i")
    return _("no guaranteed reaction time for this question under your plan")


def ticket_values(ticket: Ticket) -> dict[str, str]:
    return {
        "reference": ticket.reference,
        "subject": ticket.subject,
        "ticket_url": customer_links.ticket_url(ticket.pk),
        "deadline": deadline(ticket),
    }


def words(
    kind: str, contact: Contact | None, ticket: Ticket | None, params: dict[str, str]
) -> tuple[str, str]:
    """Subject and body in the contact's language."""
    language = language_of(contact)
    with translation.override(language):
        values = {
            "contact_name": contact.full_name if contact is not None else "",
            "organisation": contact.organisation.name if contact is not None else "",
            **(ticket_values(ticket) if ticket is not None else {}),
            **{k: str(v) for k, v in params.items()},
        }
        if kind == CustomerKind.RESOLVED and ticket is not None and contact is not None:
            # The signed link rates without signing in (issue 16, item 6).
            values["rating_url"] = ratings.rating_url(ticket, contact)
        if "bank_id" in params:
            bank = HourBank.objects.filter(pk=params["bank_id"]).first()
            values["bank"] = banks.bank_label(bank, for_screen=True) if bank else ""
        if "offer_id" in params:
            # Issue 21, item 4: the offer's figures in the contact's language.
            offer = TopUpOffer.objects.select_related("plan").filter(pk=params["offer_id"]).first()
            if offer is not None:
                values["explanation"] = topup_sizing.explain(offer)
                values["expires"] = formats.date_format(
                    timezone.localtime(offer.expires_at), "Y-m-d H:i"
                )
                values["offer_url"] = customer_links.hours_url()
                if offer.price_net is not None:
                    values["price"] = topup_sizing.money(offer.price_net, offer.currency)
        if "dispute_status" in params:
            # Issue 21: the status in the contact's language, not the agent's.
            values["status"] = str(Dispute.Status(params["dispute_status"]).label)
        subject, body = template(kind, language)
        # A header never carries a line break (a template could have one).
        subject = " ".join(customer_texts.fill(subject, values).split())[:300]
        return subject, customer_texts.fill(body, values)


def footer(contact: Contact, kind: str) -> str:
    with translation.override(language_of(contact)):
        return "\n-- \n" + _("To stop receiving e-mail about %(kind)s, open: %(url)s") % {
            "kind": CustomerKind(kind).label,
            "url": customer_links.unsubscribe_url(contact.pk, kind),
        }


def compose(notice: CustomerNotice, to: str) -> EmailMessage:
    contact = notice.contact
    subject, body = words(notice.kind, contact, notice.ticket, notice.params)
    headers = dict(HEADERS)
    if not notice.required:
        body = body.rstrip("\n") + "\n" + footer(contact, notice.kind)
        url = customer_links.unsubscribe_url(contact.pk, notice.kind)
        # RFC 2369 / 8058: mail clients show their own "unsubscribe" button.
        headers["List-Unsubscribe"] = f"<{url}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    return EmailMessage(subject, body, None, [to], headers=headers)
