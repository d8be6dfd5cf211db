"""A spreadsheet as rows of text: CSV in UTF-8 (with or without a BOM) or Windows-1250,
separated by ';' (Polish Excel) or ','; or the first sheet of an XLSX workbook. Every
refusal reads ``field: why`` like the rest of the product."""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from dataclasses import dataclass

from django.utils.translation import gettext as _

MAX_FILE_BYTES = 1024 * 1024  # 1 MiB: thousands of customers, far below a zip bomb
MAX_ROWS = 2000
MAX_UNPACKED_BYTES = 50 * 1024 * 1024  # an XLSX is a zip: its parts unpacked, at most
MAX_CELL = 300  # the longest column we fill (a licence note) is 300 characters

# The columns in the order of the template; README documents each.
COLUMNS = (
    "organisation",
    "organisation_name",
    "kind",
    "tax_id",
    "organisation_email",
    "organisation_phone",
    "contact_name",
    "contact_emails",
    "contact_phones",
    "contract_number",
    "plan",
    "starts_on",
    "seats",
    "price_net",
    "licence_purchased_on",
    "last_update_on",
)
REQUIRED = ("organisation",)


class ImportFileError(ValueError):
    """The file as a whole cannot be read; the message reads ``file: why``."""


@dataclass(frozen=True)
class Row:
    number: int  # as the spreadsheet shows it: the header is row 1
    cells: dict[str, str]


def decode(data: bytes) -> str:
    """UTF-8 when the bytes are valid UTF-8 (a BOM is dropped), else Windows-1250: the
    two charsets a Polish spreadsheet is saved in. Valid UTF-8 is almost never an
    accident, so the strict test decides better than a statistical guess."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1250")
    except UnicodeDecodeError:
        raise ImportFileError("file: " + _("save the file as UTF-8 or Windows-1250 text")) from None


def _csv_rows(data: bytes) -> list[list[str]]:
    text = decode(data)
    header = text.split("\n", 1)[0]
    # The header names hold neither separator, so whichever it has more of is the one.
    delimiter = ";" if header.count(";") >= header.count(",") else ","
    try:
        return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as exc:
        raise ImportFileError(
            "file: " + _("not a readable CSV file (%(why)s)") % {"why": exc}
        ) from None


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _xlsx_rows(data: bytes) -> list[list[str]]:
    from openpyxl import load_workbook

    unreadable = ImportFileError("file: " + _("not a readable XLSX workbook"))
    try:
        # A small zip can unpack to gigabytes; its directory says how much, before reading.
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile:
        raise unreadable from None
    if unpacked > MAX_UNPACKED_BYTES:
        raise ImportFileError("file: " + _("at most %(size)s bytes") % {"size": MAX_UNPACKED_BYTES})
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, SyntaxError):
        raise unreadable from None
    rows = []
    try:
        for values in book.worksheets[0].iter_rows(values_only=True):
            rows.append([_cell_text(v) for v in values])
            if len(rows) > MAX_ROWS + 1:
                break
    # A broken sheet's XML (ElementTree's ParseError is a SyntaxError) or its cells.
    except (KeyError, ValueError, OSError, SyntaxError, IndexError):
        raise unreadable from None
    finally:
        book.close()
    return rows


def read(data: bytes, filename: str) -> list[Row]:
    """The data rows, each cell stripped; empty rows are skipped but keep their numbers."""
    if len(data) > MAX_FILE_BYTES:
        raise ImportFileError("file: " + _("at most %(size)s bytes") % {"size": MAX_FILE_BYTES})
    is_xlsx = filename.lower().endswith(".xlsx") or data[:2] == b"PK"
    raw = _xlsx_rows(data) if is_xlsx else _csv_rows(data)
    if not raw:
        raise ImportFileError("file: " + _("the file is empty"))
    header = [name.strip().lower() for name in raw[0]]
    unknown = [name for name in header if name and name not in COLUMNS]
    if unknown:
        raise ImportFileError(
            "file: "
            + _("unknown columns %(names)s; the columns are %(columns)s")
            % {"names": ", ".join(unknown), "columns": ", ".join(COLUMNS)}
        )
    missing = [name for name in REQUIRED if name not in header]
    if missing:
        raise ImportFileError(
            "file: " + _("the column %(name)s is missing") % {"name": ", ".join(missing)}
        )
    if len(raw) - 1 > MAX_ROWS:
        raise ImportFileError("file: " + _("at most %(rows)s rows") % {"rows": MAX_ROWS})
    rows = []
    for index, values in enumerate(raw[1:], start=2):
        cells = {
            name: values[i].strip() if i < len(values) else ""
            for i, name in enumerate(header)
            if name
        }
        if any(cells.values()):
            rows.append(Row(index, cells))
    if not rows:
        raise ImportFileError("file: " + _("the file has no rows below the header"))
    return rows


def template() -> bytes:
    """The header row, separated by ';' with a BOM, so Excel opens it in columns."""
    return ("\ufeff" + ";".join(COLUMNS) + "\r\n").encode("utf-8")
