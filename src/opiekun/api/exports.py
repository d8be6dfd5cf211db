"""Report exports (issue 20, item 4): ask for a large report as a CSV or XLSX file made
in the background, follow its progress, download it when ready. Staff ask; an export
is its requester's (a support manager sees all); anyone else gets 404."""

import datetime as dt
from typing import Annotated

from django.http import FileResponse, HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from opiekun.api.lazy import LazyPage
from opiekun.api.pagination import Pages
from opiekun.api.types import Id, OneOf
from opiekun.reports import access, exporting, exportjobs
from opiekun.reports.models import ExportJob
from opiekun.staff.access import staff_for

router = Router(tags=["exports"])

Month = Annotated[str, Field(min_length=7, max_length=7, description="A month: 2026-10.")]


class ExportIn(Schema):
    kind: Annotated[str, OneOf.of(ExportJob.Kind)]
    format: Annotated[str, OneOf.of(ExportJob.Format)] = "csv"
    first_month: Month | None = Field(None, description="SLA: the first month (6 months back).")
    last_month: Month | None = Field(None, description="SLA: the last month (this one).")
    month: Month | None = Field(None, description="Hours: the month (this one).")


class ExportOut(Schema):
    id: int
    kind: Annotated[str, OneOf.of(ExportJob.Kind, check=False)]
    format: Annotated[str, OneOf.of(ExportJob.Format, check=False)]
    parameters: dict[str, str]
    status: Annotated[str, OneOf.of(ExportJob.Status, check=False)]
    done: int = Field(description="Rows written so far.")
    total: int = Field(description="Rows of the report (0 until the worker counted them).")
    filename: str
    size: int = Field(description="Bytes of the file once ready.")
    created_at: dt.datetime
    finished_at: dt.datetime | None
    download: str | None = Field(description="The file's path once ready.")

    @staticmethod
    def of(job: ExportJob) -> "ExportOut":
        ready = job.status == ExportJob.Status.READY
        return ExportOut(
            id=job.pk,
            kind=job.kind,
            format=job.format,
            parameters=job.parameters,
            status=job.status,
            done=job.done,
            total=job.total,
            filename=job.filename,
            size=job.size,
            created_at=job.created_at,
            finished_at=job.finished_at,
            download=f"/api/v1/exports/{job.pk}/file" if ready else None,
        )


@router.post(
    "/exports",
    response={202: ExportOut},
    summary="Export a report in the background (staff); follow it at /exports/{id}",
)
def request_export(request: HttpRequest, data: ExportIn) -> Status[ExportOut]:
    staff_for(request.user)
    given = {
        "from": data.first_month or "",
        "to": data.last_month or "",
        "month": data.month or "",
    }
    job = exporting.request_export(data.kind, data.format, given, actor=request.user)
    return Status(202, ExportOut.of(job))


@router.get("/exports", response=list[ExportOut], summary="My exports, newest first")
@paginate(Pages)
def list_exports(request: HttpRequest) -> list[ExportOut]:
    staff_for(request.user)
    mine = access.visible_exports(request.user).filter(requested_by=request.user.pk)
    found = mine.order_by("-created_at", "-pk")
    return LazyPage(found, lambda job, _: ExportOut.of(job))  # type: ignore[return-value]


@router.get("/exports/{export_id}", response=ExportOut, summary="An export's progress")
def get_export(request: HttpRequest, export_id: Id) -> ExportOut:
    return ExportOut.of(access.export_for(request.user, export_id))


@router.get(
    "/exports/{export_id}/file",
    response={200: None},
    summary="Download the export's file (400 while it is not ready)",
)
def download(request: HttpRequest, export_id: Id) -> FileResponse:
    return exportjobs.download(access.export_for(request.user, export_id))
