"""The register of questions and answers in the portal (R-REG-2): a customer reads its
own organisation's register of a month, downloads it (PDF, XLSX, CSV) and approves it.
Approval closes the month: later corrections become new documents."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from opiekun.core.forms import sentence
from opiekun.customers.models import Contact
from opiekun.portal.guards import contacts_only
from opiekun.reports import actions, documents, downloads, register
from opiekun.reports.models import RegisterApproval


def _month(request: HttpRequest) -> dt.date:
    previous = (timezone.localdate().replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    text = request.GET.get("period") or request.POST.get("period")
    try:
        return register.parse_period(text) if text else previous
    except register.RegisterError:
        messages.error(request, _("That is not a month; showing the last one."))
        return previous


@require_http_methods(["GET", "POST"])
@contacts_only
def page(request: HttpRequest, contact: Contact) -> HttpResponse:
    month = _month(request)
    organisation = contact.organisation
    download = downloads.register(request, organisation, month)
    if download is not None:
        return download
    approval = (
        RegisterApproval.objects.filter(organisation=organisation, period_start=month)
        .select_related("approved_by")
        .first()
    )
    return render(
        request,
        "portal/register.html",
        {
            "register": register.build(organisation, month),
            "month": month,
            "approval": approval,
            "over": month < timezone.localdate().replace(day=1),
            "formats": documents.FORMATS,
        },
    )


@require_POST
@contacts_only
def approve(request: HttpRequest, contact: Contact) -> HttpResponse:
    month = _month(request)
    try:
        actions.approve_register(contact.organisation, month, contact=contact, actor=request.user)
        messages.success(
            request,
            _("The register of %(month)s is approved; the month is closed.")
            % {"month": f"{month:%Y-%m}"},
        )
    except register.RegisterError as exc:
        messages.error(request, sentence(exc))
    return redirect(f"{reverse('portal:register')}?period={month:%Y-%m}")
