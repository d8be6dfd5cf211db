"""Statements in the console (issue 17, item 4): a month's statements, issuing one
organisation's month or every organisation's as a background run whose progress the page
polls, reviewing a statement line by line, sending it and correcting it (a new document).
Support managers act; agents read; anyone else gets 404."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from opiekun.console import invoices
from opiekun.console.guards import staff_only
from opiekun.contracts.access import statement_for, visible_statements
from opiekun.core import bounds
from opiekun.core.audit import events_for
from opiekun.customers.access import organisation_for
from opiekun.customers.models import Organisation
from opiekun.reports import disputes, issuing, statements, wording
from opiekun.reports.models import StatementRun, StatementSending
from opiekun.staff.access import manager_for
from opiekun.tariff.periods import month_start

# The refusals of reports.statements, said again in the reader's language (ADR 0014).
REFUSALS: tuple[tuple[re.Pattern[str], Callable[[re.Match[str]], str]], ...] = (
    (
        re.compile(r"^month: (\d{4}-\d{2}) is not over yet$"),
        lambda m: (
            _("%(month)s is not over yet: statements are issued for past months.") % {"month": m[1]}
        ),
    ),
    (
        re.compile(r"^statement: (\S+) was corrected by (\S+); (?:correct|send) that$"),
        lambda m: (
            _("%(number)s was corrected by %(newer)s: use the correction.")
            % {"number": m[1], "newer": m[2]}
        ),
    ),
)


def said(why: str) -> str:
    for pattern, say in REFUSALS:
        found = pattern.match(why)
        if found:
            return say(found)
    return why


def _last_month() -> dt.date:
    return month_start(month_start(timezone.localdate()) - dt.timedelta(days=1))


@require_GET
@staff_only
def index(request: HttpRequest) -> HttpResponse:
    text = request.GET.get("month", "")[:20]
    error = ""
    try:
        month = bounds.month("month", text) if text else _last_month()
    except bounds.OutOfBounds as exc:
        month, error = _last_month(), str(exc)
    found = (
        visible_statements(request.user)
        .filter(period_start=month)
        .select_related("sending", "corrects")
        .order_by("organisation_name", "number")
    )
    page = Paginator(found, 100).get_page(request.GET.get("page", "1")[:10])
    return render(
        request,
        "console/statements.html",
        {
            "page": page,
            "month": f"{month:%Y-%m}",
            "error": error,
            "organisations": Organisation.objects.order_by("name").only("pk", "name"),
            "runs": StatementRun.objects.select_related("organisation")[:10],
        },
        status=400 if error else 200,
    )


@require_POST
@staff_only
def issue(request: HttpRequest) -> HttpResponse:
    manager_for(request.user)
    chosen = request.POST.get("organisation", "")[:12]
    try:
        month = bounds.month("month", request.POST.get("month", "")[:20])
        organisation = organisation_for(request.user, int(chosen)) if chosen.isdigit() else None
        run = issuing.start(month, organisation=organisation, actor=request.user)
    except (bounds.OutOfBounds, statements.StatementError) as exc:
        messages.error(request, said(str(exc)))
        return redirect("console:statements")
    return redirect("console:statement-run", run_id=run.pk)


@require_GET
@staff_only
def run(request: HttpRequest, run_id: int) -> HttpResponse:
    found = get_object_or_404(
        StatementRun.objects.select_related("organisation", "started_by"), pk=run_id
    )
    items = [
        (item, said(item.error))
        for item in found.items.select_related("organisation", "statement").order_by("pk")
    ]
    context = {"run": found, "items": items}
    # The page polls its progress box while the run goes on; the box stops asking once
    # it is finished (it is swapped for one without the trigger).
    template = "console/_statement_run.html" if request.htmx else "console/statement_run.html"  # type: ignore[attr-defined]
    return render(request, template, context)


@require_GET
@staff_only
def statement(request: HttpRequest, statement_id: int) -> HttpResponse:
    found = statement_for(request.user, statement_id)
    newest = statements.latest(found.contract, found.period_start)
    return render(
        request,
        "console/statement.html",
        {
            "statement": found,
            # Stored in English once; read in the reader's language (issue 16, item 7).
            "lines": [
                (line, wording.line(line.description), wording.drawn(line.bank))
                for line in found.lines.all()
            ],
            "sending": StatementSending.objects.filter(statement=found)
            .select_related("sent_by")
            .first(),
            "superseded_by": newest if newest and newest.pk != found.pk else None,
            "corrections": found.corrections.all(),
            "history": events_for(found).select_related("actor")[:20],
            **invoices.context(request, found),
            # Issue 21: the month's questions, with a link to answer each open one.
            "disputes": disputes.shown(disputes.of_month(found.contract_id, found.period_start)),
            "staff_view": True,
        },
    )


@require_POST
@staff_only
def send(request: HttpRequest, statement_id: int) -> HttpResponse:
    manager_for(request.user)
    found = statement_for(request.user, statement_id)
    try:
        statements.send(found, actor=request.user)
    except statements.StatementError as exc:
        messages.error(request, said(str(exc)))
    else:
        messages.success(request, _("The statement is marked sent."))
    return redirect("console:statement", statement_id=found.pk)


@require_POST
@staff_only
def correct(request: HttpRequest, statement_id: int) -> HttpResponse:
    manager_for(request.user)
    found = statement_for(request.user, statement_id)
    try:
        made = statements.correct(
            found, reason=request.POST.get("reason", "")[:500], actor=request.user
        )
    except statements.StatementError as exc:
        messages.error(request, said(str(exc)))
        return redirect("console:statement", statement_id=found.pk)
    messages.success(
        request,
        _("Correction %(number)s was issued.") % {"number": made.number},
    )
    return redirect("console:statement", statement_id=made.pk)
