"""`opiekun invoice ORG PERIOD --format fa3|csv|xlsx -o FILE`: the invoice of an
organisation's approved statement for a month (issued now if it was not yet), as its
FA(3) XML or as its accounting rows (``invoice_export`` writes a whole month's).

Exit status: 0 written; 2 a wrong argument (unknown organisation, bad month, several
contracts and no --contract); 3 no statement for that month; 4 the month's statement is
not approved; 5 the invoice cannot be made (the message names the missing field)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from opiekun.core import bounds
from opiekun.customers.models import Organisation
from opiekun.invoicing import actions, exports
from opiekun.reports import statements


class Command(BaseCommand):
    help = "The FA(3) invoice of an approved monthly statement, or accounting rows."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("org", help="organisation short name")
        parser.add_argument("period", help="YYYY-MM")
        parser.add_argument("--format", default="fa3", choices=["fa3", "csv", "xlsx"])
        parser.add_argument("-o", "--output", required=True, help="file to write")
        parser.add_argument("--contract", help="contract number, when there are several")

    def handle(self, *args: Any, **options: Any) -> None:
        org = Organisation.objects.filter(short_name=options["org"][:50]).first()
        if org is None:
            raise CommandError(
                "org: " + _("unknown organisation %(org)r") % {"org": options["org"]}, returncode=2
            )
        month = month_of(options["period"])
        contracts = org.contracts.filter(statements__period_start=month).distinct()
        number = options["contract"]
        if number:
            # A number the organisation has no contract under is a wrong argument (2),
            # whatever its length; only a real contract without a statement is a 3.
            if not org.contracts.filter(number=number[:40]).exists() or len(number) > 40:
                raise CommandError(
                    "--contract: "
                    + _("%(org)s has no contract %(number)s")
                    % {"org": org.short_name, "number": number[:40]},
                    returncode=2,
                )
            contracts = contracts.filter(number=number)
        found = list(contracts)
        no_statement = _("%(org)s has no statement for %(month)s") % {
            "org": org.short_name,
            "month": f"{month:%Y-%m}",
        }
        if not found:
            raise CommandError("period: " + no_statement, returncode=3)
        if len(found) > 1:
            numbers = ", ".join(c.number for c in found)
            raise CommandError(
                "--contract: " + _("one of %(numbers)s") % {"numbers": numbers}, returncode=2
            )
        statement = statements.latest(found[0], month)
        if statement is None:  # the filter above found one; a guard for the type checker
            raise CommandError("period: " + no_statement, returncode=3)
        if not hasattr(statement, "approval"):
            raise CommandError(
                "period: "
                + _("statement %(number)s for %(month)s is not approved by the customer")
                % {"number": statement.number, "month": f"{month:%Y-%m}"},
                returncode=4,
            )
        try:
            invoice = actions.issue(statement)
        except actions.InvoiceError as exc:
            raise CommandError(str(exc), returncode=5) from None
        if options["format"] == "fa3":
            data = invoice.xml.encode("utf-8")
        else:
            data = exports.export([invoice], options["format"], invoice.number.replace("/", "-"))
        Path(options["output"]).write_bytes(data)
        self.stderr.write(f"{options['output']}: {invoice.number} ({invoice.kind})")


def month_of(text: str) -> Any:
    try:
        return bounds.month("period", text, error=ValueError)
    except ValueError as exc:
        raise CommandError(str(exc), returncode=2) from None
