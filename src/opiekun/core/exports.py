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
from typing import IO

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

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


class SheetWriter:
    """A table written to a file a chunk of rows at a time (background exports of large
    reports, issue 20): the same cells as ``to_csv``/``to_xlsx``, without holding the
    whole file in memory. XLSX uses openpyxl's write-only mode, which streams rows to a
    temporary file and assembles the workbook on ``close``."""

    def __init__(self, fmt: str, title: str, header: Sequence[str], target: IO[bytes]) -> None:
        if fmt not in ("csv", "xlsx"):
            raise ValueError(f"format: {fmt!r} is not csv or xlsx")
        self.fmt, self.target = fmt, target
        if fmt == "csv":
            self._text = io.TextIOWrapper(target, encoding="utf-8-sig", newline="")
            self._csv = csv.writer(self._text)
            self._csv.writerow([neutralise(h) for h in header])
        else:
            self._book = Workbook(write_only=True)
            self._sheet = self._book.create_sheet(scrub(title)[:31])
            self._sheet.append([neutralise(h) for h in header])

    def write(self, rows: Iterable[Sequence[Cell]]) -> None:
        for row in rows:
            if self.fmt == "csv":
                self._csv.writerow([_text(value) for value in row])
            else:
                self._sheet.append([self._typed(value) for value in row])

    def _typed(self, value: Cell) -> object:
        if isinstance(value, str):
            return neutralise(value)
        if isinstance(value, dt.datetime | dt.date | Decimal):
            cell = WriteOnlyCell(self._sheet, value=value)
            if isinstance(value, dt.datetime):
                cell.value = value.replace(tzinfo=None)  # Excel has no time zones
                cell.number_format = "yyyy-mm-dd hh:mm"
            elif isinstance(value, dt.date):
                cell.number_format = "yyyy-mm-dd"
            else:
                cell.number_format = "#,##0.00"
            return cell
        return value

    def close(self) -> None:
        if self.fmt == "csv":
            self._text.flush()
            self._text.detach()  # the caller owns the target
        else:
            self._book.save(self.target)
