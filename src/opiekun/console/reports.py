"""The reports in the console (issue 8): the register of questions and answers, SLA,
hours, backlog and work by agent. Each page has its chart and its export; the register
downloads as PDF, XLSX or CSV, recorded as issued so a copy can be verified later."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.core.paginator import Page, Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from opiekun.console.customer_field import offer_only_chosen
from opiekun.console.guards import staff_only
from opiekun.customers.models import Organisation
from opiekun.reports import documents, downloads, register, tables
from opiekun.reports.pdf import PdfUnavailable

REGISTER_PAGE = 100  # rows of the register on one page of the console

REPORTS = {
    "sla": gettext_lazy("Reaction SLA"),
    "hours": gettext_lazy("Hours"),
    "backlog": gettext_lazy("Backlog"),
    "work": gettext_lazy("Work by agent"),
}


def _month(request: HttpRequest, name: str, default: dt.date) -> dt.date:
    """The month asked for by ``?name=``; the default, with the reason, when it is not
    a month the reports cover."""
    text = request.GET.get(name)
    try:
        return register.parse_period(text, name) if text else default
    except register.RegisterError as exc:
        messages.error(request, str(exc))
        return default


@require_GET
@staff_only
def report(request: HttpRequest, key: str) -> HttpResponse:
    if key not in REPORTS:
        raise Http404("No such report")
    this_month = timezone.localdate().replace(day=1)
    first, last = tables.last_months(6)
    first = _month(request, "from", first)
    last = _month(request, "to", last)
    month = _month(request, "period", this_month)
    table = {
        "sla": lambda: tables.sla_report(first, last),
        "hours": lambda: tables.hours_report(month),
        "backlog": lambda: tables.backlog_report(),
        "work": lambda: tables.work_report(month),
    }[key]()
    fmt = request.GET.get("format", "")
    if fmt in documents.FORMATS:
        stamp = f"{first:%Y-%m}-{last:%Y-%m}" if key == "sla" else f"{month:%Y-%m}"
        try:
            data = table.export(fmt, meta=[stamp])
        except PdfUnavailable as exc:
            messages.error(request, str(exc))
        else:
            return documents.attachment(data, f"{key}-{stamp}.{fmt}", fmt)
    return render(
        request,
        "console/report.html",
        {
            "key": key,
            "reports": REPORTS,
            "table": table,
            "title": REPORTS[key],
            "cells": documents.shown_cells(table.rows),
            "series": ",".join(map(str, table.series)),
            "labels": ",".join(map(str, table.labels)),
            "first": first,
            "last": last,
            "month": month,
        },
    )


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
        made = register.build(organisation, month)
        # The page shows the register a page of rows at a time (a big customer's month
        # was 1.1 MB of HTML); the totals and the downloaded files stay whole.
        page = Paginator(made.rows, REGISTER_PAGE).get_page(request.GET.get("page"))
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
            "rows": page.object_list if page else None,
            "kept": urlencode({k: v for k, v in data.items() if k in ("organisation", "period")}),
        },
    )
