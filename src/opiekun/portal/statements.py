"""Monthly statements in the portal (R-REG-2): read line by line, download as CSV or
XLSX, approve. Approval locks the month; a later correction is a new statement."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from opiekun.contracts import access
from opiekun.contracts.models import StatementApproval
from opiekun.core.forms import sentence
from opiekun.customers.models import Contact
from opiekun.portal import invoices
from opiekun.portal.guards import contacts_only
from opiekun.reports import disputes, documents, statements, wording
from opiekun.reports.pdf import PdfUnavailable


@require_GET
@contacts_only
def index(request: HttpRequest, contact: Contact) -> HttpResponse:
    found = access.visible_statements(request.user).select_related("approval", "corrects")
    return render(request, "portal/statements.html", {"statements": found[:120]})


@require_GET
@contacts_only
def detail(request: HttpRequest, contact: Contact, statement_id: int) -> HttpResponse:
    found = access.statement_for(request.user, statement_id)
    newest = statements.latest(found.contract, found.period_start)
    approval = StatementApproval.objects.filter(statement=found).select_related("approved_by")
    return render(
        request,
        "portal/statement.html",
        {
            "statement": found,
            "lines": [
                (line, wording.line(line.description), wording.drawn(line.bank))
                for line in found.lines.all()
            ],
            "approval": approval.first(),
            "superseded_by": newest if newest and newest.pk != found.pk else None,
            **invoices.context(found),
            # Issue 21: the month's questions, and whether a line may still be questioned.
            "disputes": disputes.shown(disputes.of_month(found.contract_id, found.period_start)),
        },
    )


@require_GET
@contacts_only
def download(request: HttpRequest, contact: Contact, statement_id: int, fmt: str) -> HttpResponse:
    if fmt not in documents.FORMATS:
        raise Http404("No such format")
    found = access.statement_for(request.user, statement_id)
    name = f"{found.number.replace('/', '-')}.{fmt}"
    if fmt != "pdf":
        return documents.attachment(statements.export(found, fmt), name, fmt)
    title = _("Statement %(number)s for %(month)s") % {
        "number": found.number,
        "month": f"{found.period_start:%m.%Y}",
    }
    meta = [f"{found.vendor_name} · {found.organisation_name} · {found.plan_name}"]
    try:
        rows = [
            [*row[:7], wording.drawn(str(row[7] or "")), wording.line(str(row[8] or "")), *row[9:]]
            for row in statements.rows(found)
        ]
        data = documents.table_pdf(title, meta, statements.HEADER, rows)
    except PdfUnavailable as exc:
        messages.error(request, sentence(exc))
        return redirect("portal:statement", statement_id=found.pk)
    return documents.attachment(data, name, fmt)


@require_POST
@contacts_only
def approve(request: HttpRequest, contact: Contact, statement_id: int) -> HttpResponse:
    found = access.statement_for(request.user, statement_id)
    try:
        statements.approve(found, contact=contact, actor=request.user)
        messages.success(
            request,
            _("Statement %(number)s is approved; the month is closed.") % {"number": found.number},
        )
    except statements.StatementError as exc:
        messages.error(request, sentence(exc))
    return redirect("portal:statement", statement_id=found.pk)
