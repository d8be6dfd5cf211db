"""The customer rates a resolved ticket once: 1-5 and a comment (issue 16, item 6)."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from opiekun.core import audit
from opiekun.core.audit import Actor
from opiekun.customers.models import Contact
from opiekun.tickets import signals
from opiekun.tickets.actions.base import IntakeError, checked_text, locked
from opiekun.tickets.models import Rating, Ticket
from opiekun.tickets.models.rating import HIGHEST, LOWEST

# A ticket is rated once it is resolved; closing a resolved ticket keeps it ratable.
RATABLE = (Ticket.Status.RESOLVED, Ticket.Status.CLOSED)
COMMENT_LIMIT = 2000


def may_rate(ticket: Ticket) -> bool:
    """Whether the ticket is at a point where it may be rated (and is not rated yet)."""
    return (
        ticket.status in RATABLE
        and ticket.resolved_at is not None
        and not Rating.objects.filter(ticket=ticket).exists()
    )


def rate(
    ticket: Ticket,
    *,
    contact: Contact,
    score: int,
    comment: str = "",
    via: str = Rating.Via.PORTAL,
    actor: Actor = None,
) -> Rating:
    """The contact's rating of a resolved ticket of their organisation. The ticket's row
    is locked while the "not rated yet" is read and the rating written, so two at once
    (the portal and the e-mail's link) give one rating and one refusal."""
    if contact.organisation_id != ticket.organisation_id:
        raise IntakeError("contact: belongs to another organisation")
    if not isinstance(score, int) or isinstance(score, bool) or not LOWEST <= score <= HIGHEST:
        raise IntakeError(
            "score: "
            + _("Choose a rating from %(low)s to %(high)s.") % {"low": LOWEST, "high": HIGHEST}
        )
    comment = checked_text("comment", comment.strip())
    if len(comment) > COMMENT_LIMIT:
        raise IntakeError(
            "comment: " + _("At most %(limit)s characters.") % {"limit": COMMENT_LIMIT}
        )
    if via not in Rating.Via.values:
        raise IntakeError(f"via: {via!r} is not one of {', '.join(Rating.Via.values)}")
    with transaction.atomic():
        ticket = locked(ticket)
        if ticket.status not in RATABLE or ticket.resolved_at is None:
            raise IntakeError("score: " + _("A ticket is rated once it is resolved."))
        if Rating.objects.filter(ticket=ticket).exists():
            raise IntakeError("score: " + _("This ticket has been rated already."))
        try:
            # The one-to-one column is the last word should a caller skip the lock.
            with transaction.atomic():
                rating = Rating.objects.create(
                    ticket=ticket, contact=contact, score=score, comment=comment, via=via
                )
        except IntegrityError:
            raise IntakeError("score: " + _("This ticket has been rated already.")) from None
        audit.record(
            "ticket.rated",
            ticket,
            actor=actor,
            organisation=ticket.organisation,
            rating=rating.pk,
            score=score,
            contact=contact.pk,
            via=via,
        )
        signals.ticket_rated.send(Rating, rating=rating, actor=actor)
    return rating
