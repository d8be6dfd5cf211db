"""Report exports in the console (issue 20, item 4): the list of my exports, each row
polling its progress while the worker writes, and the download once the file is ready.
Only the requester (or a support manager) sees an export; anyone else gets 404."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from opiekun.console.guards import staff_only
from opiekun.console.reports import REPORTS
from opiekun.core.forms import sentence
from opiekun.reports import access, exportjobs

LISTED = 50  # the newest exports of the list; older ones expire anyway


@require_GET
@staff_only
def index(request: HttpRequest) -> HttpResponse:
    mine = access.visible_exports(request.user).filter(requested_by=request.user.pk)
    return render(
        request,
        "console/exports.html",
        {"jobs": list(mine.order_by("-created_at", "-pk")[:LISTED]), "reports": REPORTS},
    )


@require_GET
@staff_only
def job(request: HttpRequest, export_id: int) -> HttpResponse:
    found = access.export_for(request.user, export_id)
    # The row polls itself while the worker writes; the answer without the trigger (a
    # finished job) stops the polling.
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "console/_export_row.html", {"job": found})
    return render(
        request, "console/exports.html", {"jobs": [found], "single": True, "reports": REPORTS}
    )


@require_GET
@staff_only
def download(request: HttpRequest, export_id: int) -> HttpResponseBase:
    found = access.export_for(request.user, export_id)
    try:
        return exportjobs.download(found)
    except exportjobs.ExportError as exc:
        messages.error(request, sentence(exc))
        return redirect("console:export", export_id=found.pk)
