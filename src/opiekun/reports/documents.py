"""A register as a file: CSV, XLSX (typed cells) or PDF (names, period, page numbers and
the content hash on every page). Every format ends with the same content hash, which
`opiekun report verify FILE` checks against the system."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import replace
from decimal import Decimal

from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import formats
from django.utils.http import content_disposition_header
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import slugify
from django.utils.translation import gettext as _

from opiekun.catalog.choices import Channel
from opiekun.core import exports
from opiekun.core.language import stored_label
from opiekun.core.text import scrub
from opiekun.reports import pdf, wording
from opiekun.reports.register import Register, Row

FORMATS = ("csv", "xlsx", "pdf")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}
HASH_LABEL = "content hash (SHA-256)"
HASH = re.compile(r"SHA-256:\s*([0-9a-f]{64})")


def attachment(data: bytes, name: str, fmt: str) -> HttpResponse:
    """A download of ``data`` named ``name``."""
    response = HttpResponse(data, content_type=CONTENT_TYPES[fmt])
    # RFC 6266: a plain filename, or filename* when it is not ASCII.
    response["Content-Disposition"] = content_disposition_header(True, name) or "attachment"
    return response


def css_string(text: str) -> SafeString:
    """``text`` as a CSS string literal that can never close the <style> element."""
    escaped = (
        text.replace("\\", "\\\\").replace('"', "\\22 ").replace("<", "\\3C ").replace("\n", " ")
    )
    return mark_safe(f'"{escaped}"')  # noqa: S308 - escaped above for CSS, not HTML


def filename(register: Register, fmt: str) -> str:
    # ASCII, so every program that saves it keeps the name ("Dębnica" -> "debnica").
    name = slugify(register.organisation.replace("ł", "l").replace("Ł", "L")) or "register"
    return f"register-{name}-{register.period}.{fmt}"


def _moment(text: str, typed: bool) -> exports.Cell:
    """A local date and time: a real date cell in XLSX, the text itself in CSV."""
    if typed and text:
        return dt.datetime.strptime(text, "%Y-%m-%d %H:%M")  # noqa: DTZ007 - local, as printed
    return text or None


def header() -> list[str]:
    """The columns, in the reader's language (the content hash does not depend on it)."""
    return [
        "#",
        _("Asked at"),
        _("Channel"),
        _("Reference sign"),
        _("Subject"),
        _("Answer"),
        _("Documentation"),
        _("Answered at"),
        _("Status"),
        _("Minutes"),
        _("Billable"),
        _("Banks drawn"),
    ]


def _shown(register: Register) -> list[Row]:
    """The rows with status and channel in the reader's language."""
    statuses = {"closed": _("closed"), "pending": _("pending")}
    channels = {stored_label(c): str(c.label) for c in Channel}
    return [
        replace(
            r,
            status=statuses[r.status],
            channel=channels.get(r.channel, r.channel),
            banks=wording.drawn(r.banks),
            # What a page or a PDF cannot show (the content hash keeps the stored text).
            subject=scrub(r.subject),
            answer=scrub(r.answer),
            documentation_ref=scrub(r.documentation_ref),
        )
        for r in register.rows
    ]


def _cells(register: Register, *, typed: bool = False) -> list[list[exports.Cell]]:
    rows: list[list[exports.Cell]] = [
        [
            r.position,
            _moment(r.asked_at, typed),
            r.channel,
            r.reference,
            r.subject,
            r.answer,
            r.documentation_ref,
            _moment(r.answered_at, typed),
            r.status,
            r.raw_minutes,
            r.billable_minutes,
            r.banks,
        ]
        for r in _shown(register)
    ]
    t = register.totals
    rows.append(
        [
            None,
            "totals",
            None,
            None,
            f"{t['questions']} questions",
            None,
            None,
            None,
            f"{t['closed']} closed, {t['pending']} pending",
            t["raw_minutes"],
            t["billable_minutes"],
            None,
        ]
    )
    rows.append([None, HASH_LABEL, register.content_hash, *([None] * 9)])
    return rows


def render(register: Register, fmt: str) -> bytes:
    if fmt == "csv":
        return exports.to_csv(header(), _cells(register))
    if fmt == "xlsx":
        return exports.to_xlsx(
            f"register {register.period}", header(), _cells(register, typed=True)
        )
    if fmt == "pdf":
        return render_pdf(register)
    raise ValueError(f"format: {fmt!r} is not one of {', '.join(FORMATS)}")


def shown_cells(rows: list[list[exports.Cell]]) -> list[list[dict[str, object]]]:
    """Each cell as shown (localised), and whether it is a number (right-aligned, charted)."""
    out: list[list[dict[str, object]]] = []
    for row in rows:
        cells: list[dict[str, object]] = []
        for value in row:
            number = isinstance(value, int | Decimal) and not isinstance(value, bool)
            shown = "" if value is None else scrub(str(formats.localize(value)))
            cells.append({"text": shown, "v": value if number else "", "number": number})
        out.append(cells)
    return out


def table_pdf(
    title: str, meta: list[str], header: list[str], rows: list[list[exports.Cell]]
) -> bytes:
    """Any table as a PDF: title, a few lines about it, the table, page numbers."""
    html = render_to_string(
        "reports/table_pdf.html",
        {
            "title": title,
            "meta": meta,
            "header": header,
            "rows": shown_cells(rows),
            "css": {"top_left": css_string(title), "page": css_string(_("Page"))},
        },
    )
    data, _refused = pdf.render(html)
    return data


def render_pdf(register: Register) -> bytes:
    period = _("Period: %(period)s") % {"period": register.period}
    html = render_to_string(
        "reports/register_pdf.html",
        {
            "title": _("Register of users' questions and the answers given"),
            "vendor": register.vendor,
            "organisation": register.organisation,
            "tax_id": register.organisation_tax_id,
            "contract": register.contract,
            "contract_word": _("contract"),
            "period_label": period,
            "header": header(),
            "rows": _shown(register),
            "totals": register.totals,
            "totals_label": _("Totals: %(n)s questions") % {"n": register.totals["questions"]},
            "content_hash": register.content_hash,
            "css": {
                "top_left": css_string(f"{register.vendor} · {register.organisation}"),
                "top_right": css_string(period),
                "page": css_string(_("Page")),
            },
        },
    )
    data, _refused = pdf.render(html)
    return data
