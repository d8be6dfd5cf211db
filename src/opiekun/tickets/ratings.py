"""The signed link to rate a ticket, for the e-mail that tells a contact their ticket is
resolved: it names the ticket and the contact, so it works without signing in, and it
expires (settings.RATING_LINK_MAX_AGE_DAYS). Rating once is the action's rule, so a
link used twice is refused by it, not by the token."""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.urls import reverse

from opiekun.customers.models import Contact
from opiekun.tickets.models import Ticket

SALT = "opiekun.tickets.rating"


def rating_token(ticket: Ticket, contact: Contact) -> str:
    return signing.dumps({"t": ticket.pk, "c": contact.pk}, salt=SALT, compress=True)


def rating_url(ticket: Ticket, contact: Contact) -> str:
    """The absolute address of the rating page for this ticket and contact (the
    integrator puts it into the "resolved" notification as {rating_url})."""
    path = reverse("portal:rate-by-link", kwargs={"token": rating_token(ticket, contact)})
    return f"{settings.SITE_URL}{path}"


def read_token(token: str) -> tuple[int, int] | None:
    """(ticket id, contact id) of a valid, unexpired token; None for anything else."""
    try:
        data = signing.loads(
            token, salt=SALT, max_age=settings.RATING_LINK_MAX_AGE_DAYS * 24 * 3600
        )
    except signing.BadSignature:  # also SignatureExpired
        return None
    if not isinstance(data, dict):
        return None
    ticket_id, contact_id = data.get("t"), data.get("c")
    if not isinstance(ticket_id, int) or not isinstance(contact_id, int):
        return None
    return ticket_id, contact_id
