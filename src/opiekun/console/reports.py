"""The reports in the console (issue 8): the register of questions and answers, SLA,
hours, backlog and work by agent. Each page has its chart and its export; the register
downloads as PDF, XLSX or CSV, recorded as issued so a copy can be verified later."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.core.paginator import Page, Paginator
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from opiekun.console.customer_field import offer_only_chosen
from opiekun.console.guards import staff_only
from opiekun.core.forms import sentence
from opiekun.customers.models import Organisation
from opiekun.reports import documents, downloads, exporting, exportjobs, paging, register, tables
from opiekun.reports.models import ExportJob
from opiekun.reports.pdf import PdfUnavailable

REGISTER_PAGE = 100  # rows of the register on one page of the console

REPORTS = {
    "sla": gettext_lazy("Reaction SLA"),
    "hours": gettext_lazy("Hours"),
    "backlog": gettext_lazy("Backlog"),
    "work": gettext_lazy("Work by agent"),
}


def _month(request: HttpRequest, query: QueryDict, name: str, default: dt.date) -> dt.date:
    """The month asked for by ``?name=``; the default, with the reason, when it is not
    a month the reports cover."""
    text = query.get(name)
    try:
        return register.parse_period(text, name) if text else default
    except register.RegisterError as exc:
        messages.error(request, str(exc))
        return default


def _parameters(key: str, first: dt.date, last: dt.date, month: dt.date) -> dict[str, str]:
    if key == "sla":
        return {"from": f"{first:%Y-%m}", "to": f"{last:%Y-%m}"}
    return {"month": f"{month:%Y-%m}"}


def _whole(key: str, first: dt.date, last: dt.date, month: dt.date) -> tables.Table:
    return {
        "sla": lambda: tables.sla_report(first, last),
        "hours": lambda: tables.hours_report(month),
        "backlog": lambda: tables.backlog_report(),
        "work": lambda: tables.work_report(month),
    }[key]()


def _inline(
    request: HttpRequest, key: str, fmt: str, first: dt.date, last: dt.date, month: dt.date
) -> HttpResponse | None:
    """The report as a file at once; None (with the reason shown) when it cannot be."""
    stamp = f"{first:%Y-%m}-{last:%Y-%m}" if key == "sla" else f"{month:%Y-%m}"
    try:
        data = _whole(key, first, last, month).export(fmt, meta=[stamp])
    except PdfUnavailable as exc:
        messages.error(request, str(exc))
        return None
    return documents.attachment(data, f"{key}-{stamp}.{fmt}", fmt)


def _dates(request: HttpRequest, query: QueryDict) -> tuple[dt.date, dt.date, dt.date]:
    this_month = timezone.localdate().replace(day=1)
    first, last = tables.last_months(6)
    return (
        _month(request, query, "from", first),
        _month(request, query, "to", last),
        _month(request, query, "period", this_month),
    )


@require_GET
@staff_only
def report(request: HttpRequest, key: str) -> HttpResponse:
    if key not in REPORTS:
        raise Http404("No such report")
    first, last, month = _dates(request, request.GET)
    fmt = request.GET.get("format", "")
    if fmt in documents.FORMATS:
        # A GET never starts a job (a prefetch or a crawler would): a large report's
        # file is asked for with the export buttons (a POST), as the message says.
        if exportjobs.small(key, _parameters(key, first, last, month)):
            download = _inline(request, key, fmt, first, last, month)
            if download is not None:
                return download
        else:
            messages.info(request, _too_big())
    paged: paging.Paged | None = None
    if key == "sla":
        paged = paging.sla_page(first, last, request.GET.get("page"))
    elif key == "hours":
        paged = paging.hours_page(month, request.GET.get("page"))
    table = paged.table if paged else _whole(key, first, last, month)
    kept = request.GET.copy()
    kept.pop("page", None)
    kept.pop("format", None)
    return render(
        request,
        "console/report.html",
        {
            "key": key,
            "reports": REPORTS,
            "table": table,
            "title": REPORTS[key],
            "cells": documents.shown_cells(table.rows),
            "paged": paged,
            "totals": documents.shown_cells([paged.totals])[0] if paged else None,
            "kept": kept.urlencode(),
            "formats": documents.FORMATS,
            "series": ",".join(map(str, table.series)),
            "labels": ",".join(map(str, table.labels)),
            "first": first,
            "last": last,
            "month": month,
        },
    )


def _too_big() -> str:
    return _(
        "This report has more than %(rows)s rows: export it with the buttons below; the "
        "file is prepared in the background and listed under Exports."
    ) % {"rows": exportjobs.INLINE_ROWS}


@require_POST
@staff_only
def export(request: HttpRequest, key: str) -> HttpResponse:
    """The export buttons: a small report downloads at once; a large one becomes an
    export job (issue 20) and the requester is sent to the list of their exports."""
    if key not in REPORTS:
        raise Http404("No such report")
    first, last, month = _dates(request, request.POST)
    fmt = request.POST.get("format", "")
    back = (
        reverse("console:report", args=[key])
        + "?"
        + urlencode({k: v for k, v in request.POST.items() if k in ("from", "to", "period")})
    )
    if fmt not in documents.FORMATS:
        messages.error(request, _("format: choose CSV, XLSX or PDF"))
        return redirect(back)
    params = _parameters(key, first, last, month)
    if exportjobs.small(key, params):
        return _inline(request, key, fmt, first, last, month) or redirect(back)
    if fmt not in ExportJob.Format.values:
        messages.error(
            request,
            _("format: a PDF holds at most %(rows)s rows; export this report as CSV or XLSX")
            % {"rows": exportjobs.INLINE_ROWS},
        )
        return redirect(back)
    try:
        job = exporting.request_export(key, fmt, params, actor=request.user)
    except exportjobs.ExportError as exc:
        messages.error(request, sentence(exc))
        return redirect(back)
    messages.success(request, _("The export is being prepared: %(name)s.") % {"name": job.filename})
    return redirect("console:exports")


class RegisterForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=gettext_lazy("Customer"), queryset=Organisation.objects.order_by("name")
    )
    period = forms.CharField(
        label=gettext_lazy("Month"), widget=forms.TextInput(attrs={"type": "month"})
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        offer_only_chosen(self, "organisation")

    def clean_period(self) -> dt.date:
        try:
            return register.parse_period(self.cleaned_data["period"])
        except register.RegisterError as exc:
            raise forms.ValidationError(str(exc).partition(": ")[2]) from None


@require_http_methods(["GET", "POST"])
@staff_only
def register_page(request: HttpRequest) -> HttpResponse:
    """GET previews the register; POST (the download buttons) issues a recorded copy."""
    previous = (timezone.localdate().replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    data = request.POST if request.method == "POST" else request.GET
    form = RegisterForm(data or None, initial={"period": f"{previous:%Y-%m}"})
    made = None
    page: Page | None = None
    if data and form.is_valid():
        organisation, month = form.cleaned_data["organisation"], form.cleaned_data["period"]
        download = downloads.register(request, organisation, month)
        if download is not None:
            return download
        # The page shows the register a page of rows at a time, and builds only those
        # (a big customer's month was 1.1 MB of HTML); the count and totals are of the
        # whole month, as are the downloaded files.
        pages: list[Page] = []

        def window(count: int) -> slice:
            pages.append(Paginator(range(count), REGISTER_PAGE).get_page(request.GET.get("page")))
            first = (pages[0].number - 1) * REGISTER_PAGE
            return slice(first, first + REGISTER_PAGE)

        made = register.build(organisation, month, page=window)
        page = pages[0]
    return render(
        request,
        "console/register.html",
        {
            "form": form,
            "register": made,
            "reports": REPORTS,
            "formats": documents.FORMATS,
            "month": form.cleaned_data["period"] if made else None,
            "page": page,
            "rows": made.rows if made else None,
            "kept": urlencode({k: v for k, v in data.items() if k in ("organisation", "period")}),
        },
    )
