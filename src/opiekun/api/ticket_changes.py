"""Staff changes to a ticket (issue 15): PATCH of its assignee, severity and status, each
through its action and all in one transaction; corrections of logged work. Customers and
outsiders get 404: these routes do not exist for them. The routes join the tickets
router (api.tickets is near its size limit); api.api imports this module."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from django.db import transaction
from django.http import Http404, HttpRequest
from ninja import Schema, Status
from ninja.errors import HttpError
from pydantic import Field

from opiekun.api import tickets as tickets_api
from opiekun.api.organising import TagName
from opiekun.api.schemas import TicketOut, WorkLogOut
from opiekun.api.types import Id, OneOf, Text
from opiekun.catalog.choices import Severity
from opiekun.core import bounds
from opiekun.core.audit import Actor
from opiekun.staff.access import staff_for
from opiekun.staff.models import StaffMember
from opiekun.tickets import access, actions
from opiekun.tickets.actions.tagging import MAX_TAGS
from opiekun.tickets.models import Ticket, WorkLog

# The tickets router itself: a second router with the same path would answer 405 to
# PATCH, since Django resolves /tickets/{id} to the first router's view.
router = tickets_api.router

Change = Callable[..., Ticket]


class TicketPatch(Schema):
    """Only the fields sent are changed; ``assignee_id`` null unassigns."""

    assignee_id: Id | None = None
    severity: Annotated[str, OneOf.of(Severity)] | None = None
    status: Annotated[str, OneOf.of(Ticket.Status)] | None = None
    tags: list[TagName] | None = Field(
        default=None, max_length=MAX_TAGS, description="The ticket's whole list of tags."
    )


def _to_status(ticket: Ticket, status: str, actor: Actor) -> Ticket:
    """The status actions that lead to ``status``, with their own rules (a closed ticket
    is reopened before it is worked on, and so on)."""
    if status == ticket.status:
        return ticket
    if status == Ticket.Status.IN_PROGRESS:
        if ticket.paused_since is not None:
            ticket = actions.customer_replied(ticket, actor=actor)
        return ticket if ticket.status == status else actions.start_work(ticket, actor=actor)
    moves: dict[str, Change] = {
        Ticket.Status.ACKNOWLEDGED: actions.acknowledge_receipt,
        Ticket.Status.WAITING_CUSTOMER: actions.wait_for_customer,
        Ticket.Status.RESOLVED: actions.resolve,
        Ticket.Status.CLOSED: actions.close,
        Ticket.Status.REOPENED: actions.reopen,
    }
    if status not in moves:
        raise HttpError(400, f"status: a ticket is not set to {status!r} by hand")
    return moves[status](ticket, actor=actor)


def _assignee(assignee_id: int | None) -> StaffMember | None:
    if assignee_id is None:
        return None
    member = StaffMember.objects.filter(pk=assignee_id, is_active=True).first()
    if member is None:
        raise HttpError(400, "assignee_id: not an active staff member")
    return member


@router.patch(
    "/tickets/{ticket_id}",
    response=TicketOut,
    summary="Change a ticket's assignee, severity or status (staff)",
)
def patch_ticket(request: HttpRequest, ticket_id: Id, data: TicketPatch) -> TicketOut:
    staff_for(request.user)
    ticket = access.ticket_for(request.user, ticket_id)
    sent = data.model_fields_set
    for name in ("severity", "status", "tags"):
        if name in sent and getattr(data, name) is None:
            raise HttpError(400, f"{name}: must not be null")
    with transaction.atomic():
        # One transaction: a refused status leaves the assignee and severity as they were.
        if data.severity is not None:
            ticket = actions.change_severity(ticket, data.severity, actor=request.user)
        if "assignee_id" in sent:
            ticket = actions.assign(ticket, _assignee(data.assignee_id), actor=request.user)
        if data.tags is not None:
            ticket = actions.set_tags(ticket, data.tags, actor=request.user)
        if data.status is not None:
            ticket = _to_status(ticket, data.status, request.user)
    ticket.refresh_from_db()
    return TicketOut.of(ticket)


class CorrectionIn(Schema):
    raw_minutes: Annotated[
        int,
        Field(
            ge=0,
            le=bounds.MAX_WORK_MINUTES,
            description="The minutes the work really took; 0 when it should not count.",
        ),
    ]
    reason: Annotated[str, Text.of(WorkLog, "correction_reason")]


@router.post(
    "/tickets/{ticket_id}/work-logs/{work_id}/corrections",
    response={201: WorkLogOut},
    summary="Correct logged work: a new entry with the difference and the reason (staff)",
)
def correct_work(
    request: HttpRequest, ticket_id: Id, work_id: Id, data: CorrectionIn
) -> Status[WorkLogOut]:
    staff = staff_for(request.user)
    ticket = access.ticket_for(request.user, ticket_id)
    work = ticket.work_logs.filter(pk=work_id).first()
    if work is None:
        raise Http404("No such work log")
    correction = actions.correct_work(
        work, raw_minutes=data.raw_minutes, reason=data.reason, staff=staff, actor=request.user
    )
    return Status(201, WorkLogOut.of(correction))
