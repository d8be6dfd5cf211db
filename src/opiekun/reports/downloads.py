"""A register downloaded from a page (console or portal): issued and recorded, or the
reason it cannot be made shown on the page instead.

Issuing writes a record, so it answers only a POST: a GET (a prefetch, a crawler, a
reload) only shows the page and changes nothing."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.http import HttpRequest, HttpResponse

from opiekun.core.forms import sentence
from opiekun.customers.models import Organisation
from opiekun.reports import actions, documents
from opiekun.reports.pdf import PdfUnavailable


def register(
    request: HttpRequest, organisation: Organisation, month: dt.date
) -> HttpResponse | None:
    """The file asked for by a POSTed ``format``; None when none was asked or it cannot be
    made."""
    if request.method != "POST":
        return None
    fmt = request.POST.get("format", "")
    if fmt not in documents.FORMATS:
        return None
    try:
        _made, data, issued = actions.issue_register(organisation, month, fmt, actor=request.user)
    except PdfUnavailable as exc:
        messages.error(request, sentence(exc))
        return None
    return documents.attachment(data, issued.filename, fmt)
