"""Who is told about a dispute's steps (issue 21, item 3), from ``reports.signals``:
a question raised tells the vendor's people (the work's author, the ticket's assignee and
the customer's account manager) in their inbox; an answer or a decision tells the contact
who asked, by e-mail in their language. Both run inside the dispute's transaction."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver
from django.urls import reverse

from opiekun.core.audit import Actor
from opiekun.notifications import customer_actions, customer_links
from opiekun.notifications.actions import notify
from opiekun.notifications.customer_kinds import CustomerKind
from opiekun.notifications.models import Kind
from opiekun.reports import signals as report_signals
from opiekun.reports.models import Dispute
from opiekun.tickets.models import Ticket


def _ticket(dispute: Dispute) -> Ticket | None:
    if dispute.work_log is not None:
        return dispute.work_log.ticket
    if dispute.line is not None and dispute.line.ticket_reference:
        return Ticket.objects.filter(
            reference=dispute.line.ticket_reference, organisation_id=dispute.organisation_id
        ).first()
    return None


@receiver(report_signals.dispute_changed, dispatch_uid="notifications.dispute_changed")
def dispute_changed(
    sender: Any, *, dispute: Dispute, step: str, actor: Actor = None, **kwargs: Any
) -> None:
    if step == "raised":
        ticket = _ticket(dispute)
        # A staff notification belongs to a ticket; a question about a line with none
        # (a subscription fee) waits on the console's Disputes page.
        if ticket is None:
            return
        people = [
            dispute.work_log.staff if dispute.work_log else None,
            ticket.assignee,
            dispute.organisation.account_manager,
        ]
        notify(
            Kind.DISPUTE,
            ticket,
            people,
            key=f"dispute:{dispute.pk}",
            actor=actor,
            month=f"{dispute.period_start:%Y-%m}",
            reason=dispute.reason[:200],
        )
        return
    document = dispute.reissued or dispute.statement
    url = (
        reverse("portal:statement", args=[document.pk])
        if document is not None
        else reverse("portal:statements")
    )
    customer_actions.tell(
        CustomerKind.DISPUTE_ANSWER,
        dispute.raised_by,
        key=f"dispute:{dispute.pk}:{step}",
        period=f"{dispute.period_start:%Y-%m}",
        document_url=customer_links.absolute(url),
        dispute_status=dispute.status,
        answer=dispute.decision_reason or dispute.answer,
    )
