"""Statements (issue 17, item 4): start a run that issues one organisation's month or every
organisation's, read its progress, list a month's statements, read one with its lines,
send it and correct it. Support managers act; staff read; a contact reads one of their
organisation's statements with its lines' ids (to question a line, as in the portal);
anyone else gets 404."""

import datetime as dt
from decimal import Decimal
from typing import Annotated

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from opiekun.api.lazy import LazyPage
from opiekun.api.pagination import Pages
from opiekun.api.types import Id, OneOf
from opiekun.contracts.access import statement_for
from opiekun.contracts.models import Statement, StatementLine
from opiekun.contracts.models.statements import VatTreatment
from opiekun.core import bounds
from opiekun.customers.access import organisation_for
from opiekun.reports import issuing, statements
from opiekun.reports.models import StatementRun
from opiekun.staff.access import manager_for, staff_for
from opiekun.tariff.periods import month_start

router = Router(tags=["statements"])

Month = Annotated[str, Field(min_length=7, max_length=7, description="A month: 2026-10.")]


class RunIn(Schema):
    month: Month
    organisation_id: Id | None = Field(None, description="One organisation; none: all.")


class RunItemOut(Schema):
    organisation_id: int
    contract_id: int
    statement_id: int | None
    statement_number: str | None
    new: bool
    error: str


class RunOut(Schema):
    id: int
    month: str
    organisation_id: int | None
    state: Annotated[str, OneOf.of(StatementRun.State, check=False)]
    total: int
    done: int
    failed: int
    created_at: dt.datetime
    finished_at: dt.datetime | None
    items: list[RunItemOut]

    @staticmethod
    def of(run: StatementRun) -> "RunOut":
        items = run.items.select_related("statement").order_by("pk")
        return RunOut(
            id=run.pk,
            month=f"{run.period_start:%Y-%m}",
            organisation_id=run.organisation_id,
            state=run.state,
            total=run.total,
            done=run.done,
            failed=run.failed,
            created_at=run.created_at,
            finished_at=run.finished_at,
            items=[
                RunItemOut(
                    organisation_id=i.organisation_id,
                    contract_id=i.contract_id,
                    statement_id=i.statement_id,
                    statement_number=i.statement.number if i.statement else None,
                    new=i.created,
                    error=i.error,
                )
                for i in items
            ],
        )


class LineOut(Schema):
    # The line a contact questions with POST /disputes {"line_id": ...}.
    id: int
    position: int
    kind: Annotated[str, OneOf.of(StatementLine.Kind, check=False)]
    description: str
    day: dt.date | None
    ticket_reference: str
    work_kind: str
    raw_minutes: int | None
    billable_minutes: int | None
    bank: str
    quantity: Decimal | None
    unit_price: Decimal | None
    net: Decimal | None


class StatementOut(Schema):
    id: int
    number: str
    month: str
    contract_id: int
    organisation_id: int
    organisation_name: str
    plan_code: str
    currency: str
    net: Decimal
    vat_rate: Decimal
    vat_treatment: Annotated[str, OneOf.of(VatTreatment, check=False)]
    vat: Decimal
    gross: Decimal
    issued_at: dt.datetime
    corrects_id: int | None
    sent_at: dt.datetime | None
    lines: list[LineOut] | None = None

    @staticmethod
    def of(s: Statement, *, lines: bool = False) -> "StatementOut":
        # No sending row: the reverse one-to-one raises an AttributeError, so None.
        sending = getattr(s, "sending", None)
        return StatementOut(
            id=s.pk,
            number=s.number,
            month=f"{s.period_start:%Y-%m}",
            contract_id=s.contract_id,
            organisation_id=s.contract.organisation_id,
            organisation_name=s.organisation_name,
            plan_code=s.plan_code,
            currency=s.currency,
            net=s.net,
            vat_rate=s.vat_rate,
            vat_treatment=s.vat_treatment,
            vat=s.vat,
            gross=s.gross,
            issued_at=s.issued_at,
            corrects_id=s.corrects_id,
            sent_at=sending.sent_at if sending else None,
            lines=[LineOut.from_orm(line) for line in s.lines.all()] if lines else None,
        )


class MonthFilter(Schema):
    month: Month | None = None


class CorrectionIn(Schema):
    reason: Annotated[str, Field(max_length=500)] = ""


def _last_month() -> dt.date:
    return month_start(month_start(timezone.localdate()) - dt.timedelta(days=1))


@router.post(
    "/statement-runs",
    response={202: RunOut},
    summary="Issue a month's statements in the background (managers; idempotent)",
)
def start_run(request: HttpRequest, data: RunIn) -> Status[RunOut]:
    manager_for(request.user)
    month = bounds.month("month", data.month)
    organisation = (
        organisation_for(request.user, data.organisation_id) if data.organisation_id else None
    )
    run = issuing.start(month, organisation=organisation, actor=request.user)
    run.refresh_from_db()
    return Status(202, RunOut.of(run))


@router.get("/statement-runs/{run_id}", response=RunOut, summary="A run's progress (staff)")
def get_run(request: HttpRequest, run_id: Id) -> RunOut:
    staff_for(request.user)
    return RunOut.of(get_object_or_404(StatementRun, pk=run_id))


@router.get(
    "/statements",
    response=list[StatementOut],
    summary="A month's statements, last month by default (staff)",
)
@paginate(Pages)
def list_statements(request: HttpRequest, filters: Query[MonthFilter]) -> list[StatementOut]:
    staff_for(request.user)
    start = bounds.month("month", filters.month) if filters.month else _last_month()
    found = (
        Statement.objects.filter(period_start=start)
        .select_related("contract", "sending")
        .order_by("organisation_name", "number")
    )
    return LazyPage(found, lambda s, _: StatementOut.of(s))  # type: ignore[return-value]


@router.get(
    "/statements/{statement_id}",
    response=StatementOut,
    summary="A statement with its lines (staff; a contact: their organisation's, as the portal)",
)
def get_statement(request: HttpRequest, statement_id: Id) -> StatementOut:
    # statement_for is the permission check: staff, or a contact of the statement's customer.
    return StatementOut.of(statement_for(request.user, statement_id), lines=True)


@router.post(
    "/statements/{statement_id}/send",
    response=StatementOut,
    summary="Mark a statement sent to the customer (managers; once)",
)
def send(request: HttpRequest, statement_id: Id) -> StatementOut:
    manager_for(request.user)
    found = statement_for(request.user, statement_id)
    statements.send(found, actor=request.user)
    return StatementOut.of(Statement.objects.select_related("contract", "sending").get(pk=found.pk))


@router.post(
    "/statements/{statement_id}/correction",
    response={201: StatementOut},
    summary="Issue a correction: a new statement naming this one (managers)",
)
def correct(request: HttpRequest, statement_id: Id, data: CorrectionIn) -> Status[StatementOut]:
    manager_for(request.user)
    made = statements.correct(
        statement_for(request.user, statement_id), reason=data.reason, actor=request.user
    )
    return Status(201, StatementOut.of(made, lines=True))
