"""A contact's own organisation's statements and register through the API (gap 3), the
twins of the portal's pages: list the statements, approve one, approve a month's
register. The same actions as the portal; staff, strangers and another customer's
contacts get 404 (a statement of another customer is not found)."""

import datetime as dt

from django.http import Http404, HttpRequest
from ninja import Query, Router, Schema
from ninja.pagination import paginate

from opiekun.api.lazy import LazyPage
from opiekun.api.pagination import Pages
from opiekun.api.statements import Month, StatementOut
from opiekun.api.types import Id
from opiekun.contracts.access import statement_for, visible_statements
from opiekun.contracts.models import StatementApproval
from opiekun.customers.access import contact_of
from opiekun.customers.models import Contact
from opiekun.reports import actions, register, statements

router = Router(tags=["statements"])


class MyMonthFilter(Schema):
    month: Month | None = None


class ApprovalOut(Schema):
    statement_id: int
    approved_at: dt.datetime
    approved_by: str


class RegisterIn(Schema):
    month: Month


class RegisterApprovalOut(Schema):
    organisation_id: int
    month: str
    approved_at: dt.datetime
    content_sha256: str


def _contact(request: HttpRequest) -> Contact:
    contact = contact_of(request.user)
    if contact is None:
        raise Http404("No such page")
    return contact


@router.get(
    "/my/statements",
    response=list[StatementOut],
    summary="My organisation's statements, newest first (contacts; one month with ?month=)",
)
@paginate(Pages)
def my_statements(request: HttpRequest, filters: Query[MyMonthFilter]) -> list[StatementOut]:
    _contact(request)
    found = visible_statements(request.user).select_related("contract", "sending")
    if filters.month:
        found = found.filter(period_start=register.parse_period(filters.month, "month"))
    found = found.order_by("-period_start", "-number")
    return LazyPage(found, lambda s, _: StatementOut.of(s))  # type: ignore[return-value]


@router.post(
    "/my/statements/{statement_id}/approve",
    response=ApprovalOut,
    summary="Approve my organisation's statement; the month is closed (contacts)",
)
def approve_statement(request: HttpRequest, statement_id: Id) -> ApprovalOut:
    contact = _contact(request)
    found = statement_for(request.user, statement_id)
    statements.approve(found, contact=contact, actor=request.user)
    approval = StatementApproval.objects.select_related("approved_by").get(statement=found)
    return ApprovalOut(
        statement_id=found.pk,
        approved_at=approval.approved_at,
        approved_by=str(approval.approved_by),
    )


@router.post(
    "/my/register/approve",
    response=RegisterApprovalOut,
    summary="Approve my organisation's register of a month that is over (contacts)",
)
def approve_register(request: HttpRequest, data: RegisterIn) -> RegisterApprovalOut:
    contact = _contact(request)
    month = register.parse_period(data.month, "month")
    made = actions.approve_register(
        contact.organisation, month, contact=contact, actor=request.user
    )
    return RegisterApprovalOut(
        organisation_id=contact.organisation_id,
        month=f"{made.period_start:%Y-%m}",
        approved_at=made.approved_at,
        content_sha256=made.content_sha256,
    )
