"""Importing customers from a spreadsheet (issue 17, item 8): POST a CSV or XLSX file;
with ``dry_run`` (the default) nothing is written and every row's errors come back;
without it, a file with no errors is imported in one transaction (201); a file with
errors answers 200 with ``imported: false`` and every row's errors. Support managers
only; anyone else gets 404."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import File, Router, Schema, Status
from ninja.files import UploadedFile

from opiekun.contracts.imports import actions as imports
from opiekun.contracts.imports import reading
from opiekun.staff.access import manager_for

router = Router(tags=["import"])


class ProblemOut(Schema):
    row: int  # as the spreadsheet numbers it (the header is row 1); 0: the whole file
    column: str
    message: str


class ImportOut(Schema):
    dry_run: bool
    imported: bool
    organisations: int
    contacts: int
    contracts: int
    problems: list[ProblemOut]


@router.post(
    "/imports/customers",
    response={200: ImportOut, 201: ImportOut},
    summary="Check (dry_run=true, the default) or import organisations, contacts, contracts",
)
def import_customers(
    request: HttpRequest, file: File[UploadedFile], dry_run: bool = True
) -> Status[ImportOut]:
    manager_for(request.user)
    if file.size is not None and file.size > reading.MAX_FILE_BYTES:
        data = b"x" * (reading.MAX_FILE_BYTES + 1)  # refused by the reader with its reason
    else:
        data = file.read(reading.MAX_FILE_BYTES + 1)
    outcome = imports.run(data, (file.name or "")[:200], dry_run=dry_run, actor=request.user)
    body = ImportOut(
        dry_run=outcome.dry_run,
        imported=outcome.imported,
        organisations=outcome.organisations,
        contacts=outcome.contacts,
        contracts=outcome.contracts,
        problems=[
            ProblemOut(row=p.row, column=p.column, message=p.message) for p in outcome.problems
        ],
    )
    if outcome.imported:
        return Status(201, body)
    # Not a 400: the house's 400 is one error naming one field; this is a report of many.
    return Status(200, body)
