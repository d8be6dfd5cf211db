"""Importing customers from a spreadsheet in the console (issue 17, item 8): upload,
the dry run's errors row by row, then confirm. Support managers only; anyone else gets
404. The confirm form carries the checked file back (base64): the import checks it
again in its transaction, so nothing is trusted from the first round."""

from __future__ import annotations

import base64
import binascii

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from opiekun.console.guards import staff_only
from opiekun.contracts.imports import actions as imports
from opiekun.contracts.imports import reading
from opiekun.contracts.imports.checking import Problem
from opiekun.staff.access import manager_for


def _page(
    request: HttpRequest, outcome: imports.Outcome | None = None, **extra: object
) -> HttpResponse:
    return render(
        request,
        "console/import.html",
        {
            "outcome": outcome,
            "columns": reading.COLUMNS,
            "max_rows": reading.MAX_ROWS,
            "max_kib": reading.MAX_FILE_BYTES // 1024,
            **extra,
        },
        status=200,
    )


@require_GET
@staff_only
def page(request: HttpRequest) -> HttpResponse:
    manager_for(request.user)
    return _page(request)


@require_GET
@staff_only
def template(request: HttpRequest) -> HttpResponse:
    manager_for(request.user)
    response = HttpResponse(reading.template(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="opiekun-import.csv"'
    return response


@require_POST
@staff_only
def check(request: HttpRequest) -> HttpResponse:
    manager_for(request.user)
    upload = request.FILES.get("file")
    if upload is None:
        outcome = imports.Outcome(dry_run=True, problems=[Problem(0, "file", _("choose a file"))])
        return _page(request, outcome)
    if upload.size is not None and upload.size > reading.MAX_FILE_BYTES:
        data = b"x" * (reading.MAX_FILE_BYTES + 1)  # refused by the reader with its reason
    else:
        data = upload.read(reading.MAX_FILE_BYTES + 1)
    name = (upload.name or "")[:200]
    outcome = imports.run(data, name, dry_run=True, actor=request.user)
    return _page(
        request,
        outcome,
        payload=base64.b64encode(data).decode("ascii") if not outcome.problems else "",
        filename=name,
    )


@require_POST
@staff_only
def confirm(request: HttpRequest) -> HttpResponse:
    manager_for(request.user)
    name = request.POST.get("filename", "")[:200]
    try:
        data = base64.b64decode(request.POST.get("payload", ""), validate=True)
    except (binascii.Error, ValueError):
        data = b""
    outcome = imports.run(data, name, dry_run=False, actor=request.user)
    if not outcome.imported:
        return _page(request, outcome)
    messages.success(
        request,
        _(
            "Imported: %(organisations)s organisations, %(contacts)s contacts, "
            "%(contracts)s contracts."
        )
        % {
            "organisations": outcome.organisations,
            "contacts": outcome.contacts,
            "contracts": outcome.contracts,
        },
    )
    return redirect("console:contracts")
