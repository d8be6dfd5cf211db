"""`opiekun invoice_export PERIOD --format csv|xlsx -o FILE`: the accounting rows of every
invoice issued for statements of that month (columns: docs/invoicing.md). Exit 2 for a
wrong argument."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from opiekun.invoicing import exports
from opiekun.invoicing.management.commands.invoice import month_of
from opiekun.invoicing.models import Invoice


class Command(BaseCommand):
    help = "Accounting rows (NIP, number, date, net, VAT rate, VAT, gross) of a month's invoices."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("period", help="YYYY-MM")
        parser.add_argument("--format", default="csv", choices=["csv", "xlsx"])
        parser.add_argument("-o", "--output", required=True, help="file to write")

    def handle(self, *args: Any, **options: Any) -> None:
        month = month_of(options["period"])
        invoices = list(
            Invoice.objects.filter(statement__period_start=month)
            .select_related("corrects")
            .order_by("issued_at", "pk")
        )
        Path(options["output"]).write_bytes(
            exports.export(invoices, options["format"], f"{month:%Y-%m}")
        )
        self.stderr.write(f"{options['output']}: {len(invoices)} invoices")
