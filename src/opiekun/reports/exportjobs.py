"""Large reports exported in the background (issue 20, item 4): which reports, with
which parameters, and when a download is made at once instead. ``exporting`` records a
request and hands it to the worker (``reports.tasks``); ``export_work`` is the worker's
part: it computes the report once, writes it to CSV or XLSX a chunk of rows at a time,
counting progress on the job's row, and stores the file in the default storage (local
disk or S3), where the console and the API serve it after the access check.

A report of at most ``INLINE_ROWS`` rows is still downloaded at once (``small``); only a
larger one goes through a job. Old files go with the retention job (lifecycle)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from django.http import FileResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from opiekun.core import bounds
from opiekun.reports import paging, tables
from opiekun.reports.models import ExportJob

# Rows above which a report's download is prepared in the background: the SLA report of
# 2,000 customers has ~10,000 rows (3.3 MB of HTML, seconds to write as a file).
INLINE_ROWS = 2000
# Rows written between two progress updates: one UPDATE per chunk, not per row.
CHUNK = 500


class ExportError(ValueError):
    """A request the desk cannot export; the message reads ``field: why``."""


def parameters(kind: str, given: Mapping[str, str]) -> dict[str, str]:
    """The report's parameters, checked and written as months (``2026-10``); the
    report page's defaults where one is not given."""
    if kind not in ExportJob.Kind.values:
        raise ExportError(
            _("kind: %(value)s is not one of %(kinds)s")
            % {"value": repr(kind[:20]), "kinds": ", ".join(ExportJob.Kind.values)}
        )
    if kind == ExportJob.Kind.SLA:
        first, last = tables.last_months(6)
        if given.get("from"):
            first = bounds.month("from", given["from"], error=ExportError)
        if given.get("to"):
            last = bounds.month("to", given["to"], error=ExportError)
        if last < first:
            raise ExportError(_("to: the last month is before the first"))
        return {"from": f"{first:%Y-%m}", "to": f"{last:%Y-%m}"}
    month = timezone.localdate().replace(day=1)
    if given.get("month"):
        month = bounds.month("month", given["month"], error=ExportError)
    return {"month": f"{month:%Y-%m}"}


def _months(params: Mapping[str, str], *names: str) -> list[dt.date]:
    return [bounds.month(name, params[name], error=ExportError) for name in names]


def table_of(kind: str, params: Mapping[str, str]) -> tables.Table:
    """The whole report (every row): what the file holds."""
    if kind == ExportJob.Kind.SLA:
        first, last = _months(params, "from", "to")
        return tables.sla_report(first, last)
    (month,) = _months(params, "month")
    return tables.hours_report(month)


def row_count(kind: str, params: Mapping[str, str]) -> int:
    """How many rows the report has, counted in SQL (no row is built)."""
    if kind == ExportJob.Kind.SLA:
        first, last = _months(params, "from", "to")
        return paging.sla_row_count(first, last)
    (month,) = _months(params, "month")
    return paging.hours_row_count(month)


def small(kind: str, params: Mapping[str, str]) -> bool:
    """Whether the report is downloaded at once rather than through a job."""
    return kind not in ExportJob.Kind.values or row_count(kind, params) <= INLINE_ROWS


def filename(kind: str, params: Mapping[str, str], fmt: str) -> str:
    stamp = f"{params['from']}-{params['to']}" if "from" in params else params["month"]
    return f"{kind}-{stamp}.{fmt}"


CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def download(job: ExportJob) -> FileResponse:
    """The stored file, streamed from the storage (local or S3) after the caller's access
    check; ExportError while it is not ready, or once it expired."""
    if job.status != ExportJob.Status.READY or not job.file:
        raise ExportError(
            _("file: the export is %(status)s, not ready") % {"status": job.get_status_display()}
        )
    response = FileResponse(
        job.file.open("rb"),
        as_attachment=True,
        filename=job.filename,
        content_type=CONTENT_TYPES[job.format],
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
