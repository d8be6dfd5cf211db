"""Disputes before approval in the API (issue 21, item 3): a contact questions a
statement line or a work entry of its organisation; staff answer, accept (with the
minutes the work really took) or reject. Staff see every dispute, a contact its
organisation's; anyone else gets 404.

No ``from __future__ import annotations``: the paginated route's Query schema is read
from its annotation at import, as in api/statements.py."""

import datetime as dt
from typing import Annotated, Literal

from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from opiekun.api.lazy import LazyPage
from opiekun.api.pagination import Pages
from opiekun.api.types import Id, OneOf
from opiekun.contracts.access import visible_statements
from opiekun.contracts.models import StatementLine
from opiekun.core import audit, bounds
from opiekun.customers.access import contact_of
from opiekun.reports import access, disputes
from opiekun.reports.models import Dispute
from opiekun.staff.access import staff_for
from opiekun.tickets.access import visible_tickets
from opiekun.tickets.models import WorkLog

router = Router(tags=["disputes"])

Text = Annotated[str, Field(min_length=1, max_length=disputes.MAX_TEXT)]


class StepOut(Schema):
    at: dt.datetime
    # The audit event of the step (reports/disputes.py records these four).
    kind: Literal["dispute.raised", "dispute.answered", "dispute.accepted", "dispute.rejected"]


class DisputeOut(Schema):
    id: int
    organisation_id: int
    contract_id: int
    month: str
    statement_id: int | None
    line_id: int | None
    work_log_id: int | None
    questioned: str
    status: str
    reason: str
    raised_by: str
    raised_at: dt.datetime
    answer: str
    decision_reason: str
    decided_at: dt.datetime | None
    correction_id: int | None
    reissued_statement_id: int | None
    history: list[StepOut]

    @staticmethod
    def of(d: Dispute) -> "DisputeOut":
        return DisputeOut(
            id=d.pk,
            organisation_id=d.organisation_id,
            contract_id=d.contract_id,
            month=f"{d.period_start:%Y-%m}",
            statement_id=d.statement_id,
            line_id=d.line_id,
            work_log_id=d.work_log_id,
            questioned=disputes.questioned(d),
            status=d.status,
            reason=d.reason,
            raised_by=d.raised_by.full_name,
            raised_at=d.raised_at,
            answer=d.answer,
            decision_reason=d.decision_reason,
            decided_at=d.decided_at,
            correction_id=d.correction_id,
            reissued_statement_id=d.reissued_id,
            history=[
                StepOut.model_validate({"at": e.at, "kind": e.kind})
                for e in audit.events_for(d).order_by("at", "pk")
            ],
        )


class DisputeFilter(Schema):
    status: Annotated[str, OneOf.of(["", *Dispute.Status.values])] = ""


class RaiseIn(Schema):
    line_id: Id | None = None
    work_log_id: Id | None = None
    reason: Text


class AnswerIn(Schema):
    answer: Text


class AcceptIn(Schema):
    reason: Text
    raw_minutes: Annotated[int, Field(ge=0, le=bounds.MAX_WORK_MINUTES)] | None = Field(
        None, description="What the work really took; a correcting entry is logged."
    )


class RejectIn(Schema):
    reason: Text


@router.get(
    "/disputes", response=list[DisputeOut], summary="Disputes (staff: all; contacts: theirs)"
)
@paginate(Pages)
def list_disputes(request: HttpRequest, filters: Query[DisputeFilter]) -> list[DisputeOut]:
    found = access.visible_disputes(request.user).select_related(
        "raised_by", "line", "work_log__ticket"
    )
    if filters.status:
        found = found.filter(status=filters.status)
    return LazyPage(found.order_by("-raised_at", "-pk"), lambda d, _: DisputeOut.of(d))  # type: ignore[return-value]


@router.get("/disputes/{dispute_id}", response=DisputeOut, summary="One dispute with its history")
def get_dispute(request: HttpRequest, dispute_id: Id) -> DisputeOut:
    return DisputeOut.of(access.dispute_for(request.user, dispute_id))


@router.post(
    "/disputes",
    response={201: DisputeOut},
    summary="Question a statement line or a work entry (contacts); the month waits for it",
)
def raise_dispute(request: HttpRequest, data: RaiseIn) -> Status[DisputeOut]:
    contact = contact_of(request.user)
    if contact is None:
        raise Http404("No such page")
    line = work = None
    if data.line_id is not None:
        line = StatementLine.objects.filter(
            pk=data.line_id, statement__in=visible_statements(request.user)
        ).first()
        if line is None:
            raise Http404("No such statement line")
    if data.work_log_id is not None:
        work = WorkLog.objects.filter(
            pk=data.work_log_id, ticket__in=visible_tickets(request.user)
        ).first()
        if work is None:
            raise Http404("No such work entry")
    made = disputes.raise_dispute(
        contact, reason=data.reason, line=line, work_log=work, actor=request.user
    )
    return Status(201, DisputeOut.of(made))


def _decided(request: HttpRequest, dispute_id: int) -> Dispute:
    staff_for(request.user)
    return access.dispute_for(request.user, dispute_id)


@router.post(
    "/disputes/{dispute_id}/answer",
    response=DisputeOut,
    summary="Answer the customer; the dispute stays open (staff)",
)
def answer(request: HttpRequest, dispute_id: Id, data: AnswerIn) -> DisputeOut:
    found = _decided(request, dispute_id)
    return DisputeOut.of(
        disputes.answer(found, staff=staff_for(request.user), body=data.answer, actor=request.user)
    )


@router.post(
    "/disputes/{dispute_id}/accept",
    response=DisputeOut,
    summary="Accept: the work corrected, the month's statement issued again (staff)",
)
def accept(request: HttpRequest, dispute_id: Id, data: AcceptIn) -> DisputeOut:
    found = _decided(request, dispute_id)
    return DisputeOut.of(
        disputes.accept(
            found,
            staff=staff_for(request.user),
            reason=data.reason,
            raw_minutes=data.raw_minutes,
            actor=request.user,
        )
    )


@router.post(
    "/disputes/{dispute_id}/reject",
    response=DisputeOut,
    summary="Reject with a reason (staff)",
)
def reject(request: HttpRequest, dispute_id: Id, data: RejectIn) -> DisputeOut:
    found = _decided(request, dispute_id)
    return DisputeOut.of(
        disputes.reject(
            found, staff=staff_for(request.user), reason=data.reason, actor=request.user
        )
    )
