"""`opiekun import customers FILE [--dry-run]`: organisations, contacts and contracts
from a CSV or XLSX file (issue 17, item 8). Every row's errors are printed as
``row N, column: why`` and nothing is written unless all rows are right; the exit
status is 1 when there were errors, 2 when the command itself was misused."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from opiekun.contracts.imports import actions as imports
from opiekun.contracts.imports import reading


class Command(BaseCommand):
    help = "Import customers (organisations, contacts, contracts) from CSV or XLSX."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="what", required=True)
        customers = sub.add_parser("customers", help="organisations, contacts and contracts")
        customers.add_argument("file", help="a .csv or .xlsx file; columns as in the README")
        customers.add_argument("--dry-run", action="store_true", help="check only, write nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        try:
            size = path.stat().st_size
            with path.open("rb") as handle:
                data = handle.read(min(size, reading.MAX_FILE_BYTES) + 1)
        except OSError as exc:
            raise CommandError(f"{path}: {exc.strerror}", returncode=2) from None
        outcome = imports.run(data, path.name, dry_run=options["dry_run"])
        for p in outcome.problems:
            where = f"row {p.row}, {p.column}" if p.row else p.column
            self.stderr.write(f"{where}: {p.message}")
        if outcome.problems:
            raise CommandError(
                f"{len(outcome.problems)} error(s); nothing was imported", returncode=1
            )
        verb = "would import" if outcome.dry_run else "imported"
        self.stdout.write(
            f"{verb}: {outcome.organisations} organisations, {outcome.contacts} contacts, "
            f"{outcome.contracts} contracts"
        )
