"""`opiekun hours bill ...` (what a piece of work costs under a plan) and
`opiekun hours balance ORG` (each bank, its expiry, the ledger tail)."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Sum
from django.utils import timezone

from opiekun.catalog.choices import WorkKind
from opiekun.catalog.models import Plan
from opiekun.contracts import banks
from opiekun.contracts.models import Contract, LedgerEntry
from opiekun.contracts.tariffs import out_of_hours, tariff_for
from opiekun.core import bounds
from opiekun.core.options import parse_moment
from opiekun.customers.models import Organisation
from opiekun.tariff import BillingError, bill


class Command(BaseCommand):
    help = "Billing of work time and hour-bank balances."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="verb", required=True)
        b = sub.add_parser("bill", help="billable minutes of one piece of work, and why")
        b.add_argument("--plan", required=True)
        b.add_argument("--kind", required=True, choices=WorkKind.values)
        b.add_argument("--minutes", required=True, type=int)
        b.add_argument("--at", help="ISO 8601 moment (default: now); decides out of hours")
        b.add_argument("--emergency", action="store_true")
        b.add_argument("--json", action="store_true")
        bal = sub.add_parser("balance", help="the organisation's banks and their ledgers")
        bal.add_argument("org", help="organisation short name")
        bal.add_argument("--tail", type=int, default=10, help="ledger entries to show per bank")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["verb"] == "bill":
            self.bill(options)
        else:
            self.balance(options)

    def bill(self, options: dict[str, Any]) -> None:
        plan = Plan.objects.filter(code=options["plan"]).first()
        if plan is None:
            raise CommandError(f"unknown plan {options['plan']!r}", returncode=2)
        at = parse_moment(options["at"], "--at") if options["at"] else timezone.now()
        try:
            bounds.work_minutes("--minutes", options["minutes"])
        except bounds.OutOfBounds as exc:
            raise CommandError(str(exc), returncode=2) from None
        try:
            billing = bill(
                tariff_for(plan),
                options["kind"],
                options["minutes"],
                out_of_hours=out_of_hours(plan, at),
                emergency=options["emergency"],
            )
        except BillingError as exc:
            raise CommandError(str(exc), returncode=2) from None
        multiplier = billing.multiplier
        if options["json"]:
            self.stdout.write(
                json.dumps(
                    {
                        "plan": plan.code,
                        "kind": billing.kind,
                        "raw_minutes": billing.raw_minutes,
                        "billable_minutes": billing.billable_minutes,
                        "multiplier": int(multiplier)
                        if multiplier == multiplier.to_integral()
                        else float(multiplier),
                        "draws_on_package": billing.draws_on_package,
                        "explanation": billing.explanation,
                    },
                    ensure_ascii=False,
                )
            )
            return
        self.stdout.write(f"{billing.raw_minutes} min -> {billing.billable_minutes} min billable")
        for line in billing.explanation:
            self.stdout.write(f"  {line}")

    def balance(self, options: dict[str, Any]) -> None:
        org = Organisation.objects.filter(short_name=options["org"]).first()
        if org is None:
            raise CommandError(f"unknown organisation {options['org']!r}", returncode=2)
        contracts = Contract.objects.filter(organisation=org).select_related("plan").order_by("pk")
        if not contracts:
            self.stdout.write(f"{org.name}: no contracts")
        for contract in contracts:
            self.stdout.write(
                f"{org.name} - {contract.number} ({contract.plan.code}, {contract.status})"
            )
            rows = banks.with_balances(contract.banks.order_by("valid_from", "pk"))
            if not rows:
                self.stdout.write("  no hour banks")
            for bank in rows:
                expiry = (
                    f"expires {timezone.localtime(bank.expires_at):%Y-%m-%d %H:%M}"
                    if bank.expires_at
                    else "no expiry"
                )
                state = "closed" if bank.closed_at else "open"
                left = int(bank.balance_minutes or 0)  # type: ignore[attr-defined]
                self.stdout.write(f"  {banks.bank_label(bank)}: {left} min left, {expiry}, {state}")
                tail = LedgerEntry.objects.filter(bank=bank).order_by("-at", "-pk")[
                    : options["tail"]
                ]
                for entry in reversed(list(tail)):
                    self.stdout.write(
                        f"    {timezone.localtime(entry.at):%Y-%m-%d %H:%M} {entry.kind:10} "
                        f"{entry.minutes:+5d}  {entry.reason}"
                    )
            total = LedgerEntry.objects.filter(bank__contract=contract).aggregate(t=Sum("minutes"))[
                "t"
            ]
            self.stdout.write(f"  total left: {int(total or 0)} min")
