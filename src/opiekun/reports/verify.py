"""`opiekun report verify FILE`: is this copy of a register one the system issued, and
does the system still agree with it? The content hash is read from the file (every page
of a PDF, the last row of a CSV or XLSX), the issued document is found by it, the
register of that organisation and month is computed again, and the file's own hash is
compared with the copies issued."""

from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import dataclass, field

from opiekun.reports import documents, register
from opiekun.reports.models import IssuedDocument


@dataclass
class Verdict:
    ok: bool
    lines: list[str] = field(default_factory=list)


def _hashes(data: bytes) -> tuple[str, list[str]]:
    """The file's format and the content hash found on each page (or in the last row)."""
    if data.startswith(b"%PDF"):
        from pypdf import PdfReader

        reader = PdfReader(io.BytesIO(data))
        found = []
        for page in reader.pages:
            match = documents.HASH.search(page.extract_text() or "")
            found.append(match.group(1) if match else "")
        return "pdf", found
    if data.startswith(b"PK"):
        from openpyxl import load_workbook

        sheet = load_workbook(io.BytesIO(data), read_only=True).worksheets[0]
        last = [row for row in sheet.iter_rows(values_only=True) if any(row)][-1]
        return "xlsx", [str(last[2])] if last[1] == documents.HASH_LABEL else [""]
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig", errors="replace"))))
    last = rows[-1] if rows else []
    return "csv", [last[2]] if len(last) > 2 and last[1] == documents.HASH_LABEL else [""]


def verify(data: bytes) -> Verdict:
    fmt, found = _hashes(data)
    if not found or not all(found):
        missing = sum(1 for h in found if not h)
        return Verdict(
            False, [f"no content hash found ({missing} of {len(found)} pages without one)"]
        )
    if len(set(found)) != 1:
        return Verdict(False, ["the pages carry different content hashes: pages were swapped"])
    printed = found[0]
    lines = [
        f"{fmt.upper()}, content hash {printed}"
        + (f" on all {len(found)} pages" if fmt == "pdf" else "")
    ]
    issued = (
        IssuedDocument.objects.filter(content_sha256=printed)
        .select_related("organisation", "contract")
        .order_by("issued_at")
        .first()
    )
    if issued is None:
        return Verdict(False, [*lines, "no register with this content was ever issued here"])
    lines.append(
        f"issued for {issued.organisation}, {issued.period_start:%Y-%m}, "
        f"first on {issued.issued_at:%Y-%m-%d %H:%M}"
    )
    now = register.build(issued.organisation, issued.period_start, contract=issued.contract)
    agrees = now.content_hash == printed
    lines.append(
        "the system's register for that month is the same today"
        if agrees
        else f"the system's register for that month has changed since: now {now.content_hash}"
    )
    file_hash = hashlib.sha256(data).hexdigest()
    identical = IssuedDocument.objects.filter(file_sha256=file_hash).exists()
    lines.append(
        "the file is byte for byte a copy that was issued"
        if identical
        else "the file is not byte for byte an issued copy: its text may have been edited"
    )
    return Verdict(agrees and identical, lines)
