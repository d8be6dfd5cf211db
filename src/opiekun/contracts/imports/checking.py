"""Every error of every row, found without writing anything: the dry run, and the check
the import repeats inside its transaction. A problem names the spreadsheet's row number
and column and says why in the reader's language."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import TypeVar

from django.core.exceptions import ValidationError
from django.core.validators import validate_email, validate_slug
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _

from opiekun.catalog.models import Plan
from opiekun.contracts.imports.reading import MAX_CELL, Row
from opiekun.contracts.models import Contract
from opiekun.core import bounds
from opiekun.core.phones import normalise_phone
from opiekun.core.taxids import normalise_tax_id
from opiekun.customers.models import ContactEmail, Organisation

ORGANISATION_COLUMNS = (
    "organisation_name",
    "kind",
    "tax_id",
    "organisation_email",
    "organisation_phone",
)
CONTRACT_COLUMNS = (
    "plan",
    "starts_on",
    "seats",
    "price_net",
    "licence_purchased_on",
    "last_update_on",
)
# What a spreadsheet says for an organisation's kind, in English or Polish.
KINDS = {
    "": Organisation.Kind.COMPANY,
    "company": Organisation.Kind.COMPANY,
    "firma": Organisation.Kind.COMPANY,
    "public_office": Organisation.Kind.PUBLIC_OFFICE,
    "urząd": Organisation.Kind.PUBLIC_OFFICE,
    "urzad": Organisation.Kind.PUBLIC_OFFICE,
}
MAX_SEATS = 10_000
T = TypeVar("T")
MAX_PRICE = Decimal("99999999.99")


class Refused(ValueError):
    """One cell's value is refused; the message is the reason alone."""


@dataclass(frozen=True)
class Problem:
    row: int
    column: str
    message: str


@dataclass
class OrganisationIn:
    row: int
    short_name: str
    name: str = ""
    kind: str = Organisation.Kind.COMPANY
    tax_id: str = ""
    email: str = ""
    phone: str = ""


@dataclass
class ContactIn:
    row: int
    organisation: str
    full_name: str
    emails: list[str]
    phones: list[str]


@dataclass
class ContractIn:
    row: int
    organisation: str
    number: str
    plan: Plan | None = None
    starts_on: dt.date | None = None
    seats: int = 1
    price_net: Decimal | None = None
    licence_purchased_on: dt.date | None = None
    last_update_on: dt.date | None = None


@dataclass
class Checked:
    organisations: dict[str, OrganisationIn] = field(default_factory=dict)
    contacts: list[ContactIn] = field(default_factory=list)
    contracts: dict[str, ContractIn] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)


def _reason(exc: Exception) -> str:
    """A bounds refusal reads ``field: why``; the column is named apart, so the why."""
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    return str(exc).split(": ", 1)[-1]


def _day(text: str) -> dt.date:
    return bounds.parse_day("day", text, error=Refused)


def _past_day(text: str) -> dt.date:
    day = _day(text)
    if day > timezone.localdate():
        raise Refused(_("%(day)s is in the future") % {"day": day})
    return day


def _seats(text: str) -> int:
    if not text.isdigit():
        raise Refused(_("write a whole number of workstations, e.g. 3"))
    return bounds.whole("seats", int(text), minimum=1, maximum=MAX_SEATS, error=Refused)


def _price(text: str) -> Decimal:
    try:
        price = Decimal(text.replace(" ", "").replace(",", "."))
    except InvalidOperation:
        price = None
    if price is None or not price.is_finite() or not 0 <= price <= MAX_PRICE:
        raise Refused(_("write a net price such as 1200.00, at most %(max)s") % {"max": MAX_PRICE})
    if price != price.quantize(Decimal("0.01")):
        raise Refused(_("at most two decimal places"))
    return price


def _emails(text: str) -> list[str]:
    addresses = [a for a in re.split(r"[\s,;|]+", text) if a]
    for address in addresses:
        validate_email(address)
    return addresses


def _phones(text: str) -> list[str]:
    # Spaces belong to numbers as people write them; a list is separated otherwise.
    return [normalise_phone(n) for n in re.split(r"[,;|]+", text) if n.strip()]


def _kind(text: str) -> str:
    kind = KINDS.get(text.lower())
    if kind is None:
        raise Refused(
            _("write company or public_office (firma or urząd), not %(value)s")
            % {"value": repr(text[:40])}
        )
    return kind


def _slug(text: str) -> str:
    validate_slug(text)
    if len(text) > 50:
        raise Refused(_("at most %(limit)s characters") % {"limit": 50})
    return text


class _Checker:
    def __init__(self, rows: list[Row]) -> None:
        self.rows = rows
        self.result = Checked()
        self.emails_seen: dict[str, int] = {}
        self.by_number = {row.number: row for row in rows}

    def problem(self, row: Row, column: str, message: str) -> None:
        self.result.problems.append(Problem(row.number, column, message))

    def value(
        self, row: Row, column: str, parse: Callable[[str], T], *, required: bool = False
    ) -> T | None:
        """The cell parsed, or None with a problem recorded (or None when empty)."""
        text = row.cells.get(column, "")
        if not text:
            if required:
                self.problem(row, column, _("this column is required here"))
            return None
        try:
            bounds.text(column, text, max_length=MAX_CELL, error=Refused)
            return parse(text)
        except (Refused, ValidationError, bounds.OutOfBounds) as exc:
            self.problem(row, column, _reason(exc))
            return None

    def run(self) -> Checked:
        for row in self.rows:
            short_name = self.value(row, "organisation", _slug, required=True)
            if short_name is None:
                continue
            self.organisation(row, short_name)
            self.contact(row, short_name)
            self.contract(row, short_name)
        self.against_database()
        self.result.problems.sort(key=lambda p: (p.row, p.column))
        return self.result

    def organisation(self, row: Row, short_name: str) -> None:
        known = self.result.organisations.get(short_name)
        if known is None:
            known = OrganisationIn(row.number, short_name)
            known.name = self.value(row, "organisation_name", str, required=True) or ""
            if len(known.name) > 200:
                self.problem(
                    row, "organisation_name", _("at most %(limit)s characters") % {"limit": 200}
                )
            known.kind = self.value(row, "kind", _kind) or Organisation.Kind.COMPANY
            known.tax_id = self.value(row, "tax_id", normalise_tax_id) or ""
            email = self.value(row, "organisation_email", _emails) or []
            if len(email) > 1:
                self.problem(row, "organisation_email", _("one address only"))
            known.email = email[0] if email else ""
            known.phone = (self.value(row, "organisation_phone", _phones) or [""])[0]
            self.result.organisations[short_name] = known
            return
        # A later row of the same organisation repeats its details or leaves them empty.
        for column in ORGANISATION_COLUMNS:
            first = self.by_number[known.row]
            if row.cells.get(column) and row.cells.get(column) != first.cells.get(column):
                self.problem(
                    row,
                    column,
                    _("differs from row %(row)s of this organisation") % {"row": known.row},
                )

    def contact(self, row: Row, short_name: str) -> None:
        name = self.value(row, "contact_name", str)
        emails = self.value(row, "contact_emails", _emails) or []
        phones = self.value(row, "contact_phones", _phones) or []
        if not name:
            if emails or phones:
                self.problem(
                    row,
                    "contact_name",
                    _("the contact's name is required with an e-mail or a phone"),
                )
            return
        if len(name) > 200:
            self.problem(row, "contact_name", _("at most %(limit)s characters") % {"limit": 200})
        for address in emails:
            earlier = self.emails_seen.setdefault(address.lower(), row.number)
            if earlier != row.number:
                self.problem(
                    row,
                    "contact_emails",
                    _("%(address)s is also in row %(row)s") % {"address": address, "row": earlier},
                )
        self.result.contacts.append(ContactIn(row.number, short_name, name, emails, phones))

    def contract(self, row: Row, short_name: str) -> None:
        number = self.value(row, "contract_number", str)
        if not number:
            if any(row.cells.get(c) for c in CONTRACT_COLUMNS):
                self.problem(row, "contract_number", _("a contract needs its number"))
            return
        if len(number) > 40:
            self.problem(row, "contract_number", _("at most %(limit)s characters") % {"limit": 40})
        known = self.result.contracts.get(number)
        if known is not None:
            first = self.by_number[known.row]
            for column in ("organisation", *CONTRACT_COLUMNS):
                if row.cells.get(column) and row.cells.get(column) != first.cells.get(column):
                    self.problem(
                        row,
                        column,
                        _("differs from row %(row)s of this contract") % {"row": known.row},
                    )
            return
        contract = ContractIn(row.number, short_name, number)
        code = self.value(row, "plan", str, required=True)
        if code:
            contract.plan = Plan.objects.filter(code=code).first()
            if contract.plan is None:
                self.problem(
                    row, "plan", _("no plan with the code %(code)s") % {"code": repr(code)}
                )
        contract.starts_on = self.value(row, "starts_on", _past_day, required=True)
        contract.seats = self.value(row, "seats", _seats) or 1
        contract.price_net = self.value(row, "price_net", _price)
        contract.licence_purchased_on = self.value(row, "licence_purchased_on", _past_day)
        contract.last_update_on = self.value(row, "last_update_on", _past_day)
        has_dates = contract.licence_purchased_on or contract.last_update_on
        if has_dates and contract.plan and contract.plan.eligibility_months is None:
            column = "licence_purchased_on" if contract.licence_purchased_on else "last_update_on"
            self.problem(
                row,
                column,
                _("the plan %(plan)s does not count free support from licence dates")
                % {"plan": contract.plan.code},
            )
        self.result.contracts[number] = contract

    def against_database(self) -> None:
        """What already exists, in three queries whatever the file's length."""
        result = self.result
        rows = self.by_number
        for short_name in Organisation.objects.filter(
            short_name__in=list(result.organisations)
        ).values_list("short_name", flat=True):
            row = rows[result.organisations[short_name].row]
            self.problem(
                row,
                "organisation",
                _("an organisation %(name)s already exists") % {"name": short_name},
            )
        for number in Contract.objects.filter(number__in=list(result.contracts)).values_list(
            "number", flat=True
        ):
            row = rows[result.contracts[number].row]
            self.problem(
                row,
                "contract_number",
                _("a contract %(number)s already exists") % {"number": number},
            )
        taken = set(
            ContactEmail.objects.annotate(low=Lower("address"))
            .filter(low__in=list(self.emails_seen))
            .values_list("low", flat=True)
        )
        for address in sorted(taken):
            row = rows[self.emails_seen[address]]
            self.problem(
                row,
                "contact_emails",
                _("%(address)s belongs to another contact already") % {"address": address},
            )


def check(rows: list[Row]) -> Checked:
    return _Checker(rows).run()
