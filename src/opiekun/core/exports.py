"""Tabular exports that a spreadsheet opens safely: CSV and XLSX with typed cells. A text
cell that starts like a formula (= + - @, a tab or a carriage return) is neutralised
with a leading apostrophe, so a ticket subject can never run in the customer's Excel.
A control character (other than tab and line breaks) is dropped: an XLSX cell cannot
hold one (openpyxl refuses the whole file), and older rows or e-mail may carry one."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Sequence
from decimal import Decimal

from openpyxl import Workbook

from opiekun.core.text import scrub

Cell = str | int | Decimal | dt.date | dt.datetime | None
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: str) -> str:
    value = scrub(value)
    return "'" + value if value.startswith(_FORMULA_STARTS) else value


def _text(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.isoformat(timespec="minutes")
    if isinstance(value, dt.date | Decimal | int):
        return str(value)
    return neutralise(value)


def to_csv(header: Sequence[str], rows: Iterable[Sequence[Cell]]) -> bytes:
    """UTF-8 with a BOM, so Excel reads Polish letters right."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([neutralise(h) for h in header])
    for row in rows:
        writer.writerow([_text(value) for value in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def to_xlsx(title: str, header: Sequence[str], rows: Iterable[Sequence[Cell]]) -> bytes:
    """Dates as dates, minutes and money as numbers, text neutralised."""
    book = Workbook(write_only=False)
    sheet = book.create_sheet(scrub(title)[:31], 0)
    book.remove(book.worksheets[1])  # the empty default sheet
    sheet.append([neutralise(h) for h in header])
    for row in rows:
        cells: list[object] = []
        for value in row:
            if isinstance(value, str):
                cells.append(neutralise(value))
            elif isinstance(value, dt.datetime):
                cells.append(value.replace(tzinfo=None))  # Excel has no time zones
            else:
                cells.append(value)
        sheet.append(cells)
    for column in sheet.iter_cols(min_row=2):
        for cell in column:
            if isinstance(cell.value, Decimal):
                cell.number_format = "#,##0.00"
            elif isinstance(cell.value, dt.datetime):
                cell.number_format = "yyyy-mm-dd hh:mm"
            elif isinstance(cell.value, dt.date):
                cell.number_format = "yyyy-mm-dd"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
