"""`opiekun report ...`: the register of questions and answers, the reports, and the
check of a handed-over copy.

  opiekun report register ORG --period 2026-11 --format pdf|xlsx|csv -o FILE [--contract N]
  opiekun report sla [--from 2026-06] [--to 2026-11] [--format csv|xlsx|pdf] [-o FILE]
  opiekun report hours|work [--period 2026-11] [--format csv|xlsx|pdf] [-o FILE]
  opiekun report backlog [--format csv|xlsx|pdf] [-o FILE]
  opiekun report verify FILE          (exit 0: an issued copy the system still agrees with)
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from opiekun.contracts.models import Contract
from opiekun.customers.models import Organisation
from opiekun.reports import actions, register, tables, verify
from opiekun.reports.pdf import PdfUnavailable


class Command(BaseCommand):
    help = "The register of questions and answers, the SLA, hours, backlog and work reports."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="report", required=True)
        reg = sub.add_parser("register", help="an organisation's register for a month")
        reg.add_argument("org", help="organisation short name")
        reg.add_argument("--period", required=True, help="YYYY-MM")
        reg.add_argument("--format", default="pdf", choices=["pdf", "xlsx", "csv"])
        reg.add_argument("-o", "--output", required=True, help="file to write")
        reg.add_argument("--contract", help="only the questions under this contract number")
        sla = sub.add_parser("sla", help="reaction SLA per plan, organisation and month")
        sla.add_argument("--from", dest="first", help="YYYY-MM (default: 5 months back)")
        sla.add_argument("--to", dest="last", help="YYYY-MM (default: this month)")
        hours = sub.add_parser("hours", help="hours per bank and customer")
        work = sub.add_parser("work", help="work by agent")
        for monthly in (hours, work):
            monthly.add_argument("--period", help="YYYY-MM (default: this month)")
        backlog = sub.add_parser("backlog", help="open tickets by age and status")
        for table in (sla, hours, work, backlog):
            table.add_argument("--format", default="csv", choices=["csv", "xlsx", "pdf"])
            table.add_argument("-o", "--output", help="file (default: stdout, CSV only)")
        check = sub.add_parser("verify", help="check a handed-over register file")
        check.add_argument("file")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            getattr(self, f"do_{options['report']}")(options)
        except (register.RegisterError, PdfUnavailable, ValueError) as exc:
            raise CommandError(str(exc), returncode=2) from None

    @contextmanager
    def progress(self, description: str) -> Iterator[register.Progress]:
        """A bar on stderr, row by row, for runs long enough to wonder about; quiet when
        the output is not a terminal."""
        console = Console(stderr=True)
        with Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            TextColumn("{task.completed}/{task.total}"),
            TimeElapsedColumn(),
            console=console,
            transient=True,
            disable=not console.is_terminal,
        ) as bar:
            task = bar.add_task(description, total=None)

            def step(done: int, total: int) -> None:
                bar.update(task, completed=done, total=total)

            yield step

    def do_register(self, options: dict[str, Any]) -> None:
        org = Organisation.objects.filter(short_name=options["org"]).first()
        if org is None:
            raise CommandError(f"org: unknown organisation {options['org']!r}", returncode=2)
        contract = None
        if options["contract"]:
            contract = Contract.objects.filter(organisation=org, number=options["contract"]).first()
            if contract is None:
                raise CommandError(
                    f"contract: {org.short_name} has no contract {options['contract']!r}",
                    returncode=2,
                )
        month = register.parse_period(options["period"])
        with self.progress(f"register {org.short_name} {month:%Y-%m}") as step:
            made, data, _issued = actions.issue_register(
                org, month, options["format"], contract=contract, progress=step
            )
        Path(options["output"]).write_bytes(data)
        totals = made.totals
        self.stderr.write(
            f"{options['output']}: {totals['questions']} questions "
            f"({totals['closed']} closed, {totals['pending']} pending), "
            f"{totals['billable_minutes']} billable min; content hash {made.content_hash}"
        )

    def do_sla(self, options: dict[str, Any]) -> None:
        first, last = tables.last_months(6)
        if options["first"]:
            first = register.parse_period(options["first"], "--from")
        if options["last"]:
            last = register.parse_period(options["last"], "--to")
        if first > last:
            raise CommandError("--from: after --to", returncode=2)
        self.write(tables.sla_report(first, last), options)

    def do_hours(self, options: dict[str, Any]) -> None:
        self.write(tables.hours_report(self.month(options)), options)

    def do_work(self, options: dict[str, Any]) -> None:
        self.write(tables.work_report(self.month(options)), options)

    def do_backlog(self, options: dict[str, Any]) -> None:
        self.write(tables.backlog_report(), options)

    def do_verify(self, options: dict[str, Any]) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"file: {path} does not exist", returncode=2)
        verdict = verify.verify(path.read_bytes())
        for line in verdict.lines:
            self.stdout.write(line)
        self.stdout.write("VERIFIED" if verdict.ok else "NOT VERIFIED")
        if not verdict.ok:
            raise SystemExit(1)

    def month(self, options: dict[str, Any]) -> Any:
        text = options.get("period")
        return register.parse_period(text) if text else timezone.localdate().replace(day=1)

    def write(self, table: tables.Table, options: dict[str, Any]) -> None:
        if options["format"] != "csv" and not options["output"]:
            raise CommandError(
                f"--output: a {options['format'].upper()} report needs a file", returncode=2
            )
        data = table.export(options["format"])
        if options["output"]:
            Path(options["output"]).write_bytes(data)
            self.stderr.write(f"{table.title}: {len(table.rows)} rows -> {options['output']}")
        else:
            self.stdout.write(data.decode("utf-8"), ending="")
