"""A register downloaded from a page (console or portal): issued and recorded, or the
reason it cannot be made shown on the page instead."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.http import HttpRequest, HttpResponse

from opiekun.customers.models import Organisation
from opiekun.reports import actions, documents
from opiekun.reports.pdf import PdfUnavailable


def register(
    request: HttpRequest, organisation: Organisation, month: dt.date
) -> HttpResponse | None:
    """The file asked for by ``?format=``; None when none was asked or it cannot be made."""
    fmt = request.GET.get("format", "")
    if fmt not in documents.FORMATS:
        return None
    try:
        _made, data, issued = actions.issue_register(organisation, month, fmt, actor=request.user)
    except PdfUnavailable as exc:
        messages.error(request, str(exc))
        return None
    return documents.attachment(data, issued.filename, fmt)
