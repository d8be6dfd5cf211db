"""`opiekun statement ORG YYYY-MM [--format csv|xlsx] [-o FILE]`: the month's statement,
issued if it is not yet, exported line by line."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from opiekun.contracts.banks import in_force_during
from opiekun.contracts.models import Contract, Statement
from opiekun.core import bounds
from opiekun.customers.models import Organisation
from opiekun.reports import statements
from opiekun.tariff.periods import next_month_start


class Command(BaseCommand):
    help = "Issue (once) and export an organisation's monthly statement."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("org", help="organisation short name")
        parser.add_argument("month", help="YYYY-MM")
        parser.add_argument("--format", default="csv", choices=["csv", "xlsx"])
        parser.add_argument("-o", "--output", help="file to write (default: stdout, CSV only)")
        parser.add_argument("--contract", help="contract number, when several were in force")

    def handle(self, *args: Any, **options: Any) -> None:
        org = Organisation.objects.filter(short_name=options["org"]).first()
        if org is None:
            raise CommandError(f"unknown organisation {options['org']!r}", returncode=2)
        try:
            month = bounds.month("month", options["month"])
        except bounds.OutOfBounds as exc:
            raise CommandError(str(exc), returncode=2) from None
        if options["format"] == "xlsx" and not options["output"]:
            raise CommandError("--output: an XLSX statement needs a file", returncode=2)
        contract = self.contract(org, month, options["contract"])
        statement = (
            Statement.objects.filter(contract=contract, period_start=month)
            .order_by("-issued_at")
            .first()
        )
        try:
            if statement is None:
                statement = statements.issue(contract, month)
                self.stderr.write(f"issued {statement.number}")
            data = statements.export(statement, options["format"])
        except statements.StatementError as exc:
            raise CommandError(str(exc), returncode=2) from None
        if options["output"]:
            Path(options["output"]).write_bytes(data)
            gross = f"{statement.gross} {statement.currency}"
            self.stderr.write(f"{statement.number}: {gross} gross -> {options['output']}")
        else:
            sys.stdout.buffer.write(data)

    def contract(self, org: Organisation, month: dt.date, number: str | None) -> Contract:
        contracts = [
            c
            for c in Contract.objects.filter(organisation=org).select_related("plan")
            if in_force_during(c, month, next_month_start(month))
            and (number is None or c.number == number)
        ]
        if not contracts:
            raise CommandError(
                f"{org.short_name} had no contract in force in {month:%Y-%m}", returncode=2
            )
        if len(contracts) > 1:
            numbers = ", ".join(c.number for c in contracts)
            raise CommandError(
                f"several contracts in force ({numbers}): choose one with --contract", returncode=2
            )
        return contracts[0]
