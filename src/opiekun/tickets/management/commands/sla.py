"""`opiekun sla due --plan CODE --received ISO8601 [--channel] [--severity] [--json]`:
when the clock starts, when the reaction is due, and why."""

from __future__ import annotations

import json
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from opiekun.catalog.choices import Channel, Severity
from opiekun.catalog.models import Plan
from opiekun.core.options import parse_moment
from opiekun.tickets import sla


class Command(BaseCommand):
    help = "Working-time deadlines of a plan: opiekun sla due --plan SHIP-START --received ..."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="verb", required=True)
        due = sub.add_parser("due", help="when the reaction to a ticket is due, and why")
        due.add_argument("--plan", required=True, help="plan code, e.g. SHIP-START")
        due.add_argument("--received", required=True, help="ISO 8601, e.g. 2026-11-20T17:20")
        due.add_argument(
            "--channel",
            default="email",
            choices=["email", "phone", "portal", "fax", "forum", "mobile", "remote"],
        )
        due.add_argument("--severity", default="normal", choices=Severity.values)
        due.add_argument("--json", action="store_true", help="one JSON object")

    def handle(self, *args: Any, **options: Any) -> None:
        plan = Plan.objects.filter(code=options["plan"]).first()
        if plan is None:
            known = ", ".join(Plan.objects.order_by("code").values_list("code", flat=True))
            raise CommandError(
                f"unknown plan {options['plan']!r} (known: {known or 'none: load a preset'})",
                returncode=2,
            )
        received = parse_moment(options["received"])
        decision = sla.decide(
            sla.terms_for(plan),
            received_at=received,
            channel=Channel(options["channel"]),
            severity=options["severity"],
            warn_share=settings.SLA_WARNING_PERCENT / 100,
        )
        tz = ZoneInfo(settings.TIME_ZONE)
        if options["json"]:
            payload = {
                "plan": plan.code,
                "received_at": received.astimezone(tz).isoformat(),
                "clock_starts_at": decision.clock_starts_at.astimezone(tz).isoformat(),
                "due_at": decision.due_at.astimezone(tz).isoformat() if decision.due_at else None,
                "guaranteed": decision.guaranteed,
                "explanation": decision.explanation,
            }
            if decision.ack_due_at:
                payload["ack_due_at"] = decision.ack_due_at.astimezone(tz).isoformat()
            self.stdout.write(json.dumps(payload, ensure_ascii=False))
            return
        self.stdout.write(f"clock starts: {sla.when(decision.clock_starts_at.astimezone(tz))}")
        due = sla.when(decision.due_at.astimezone(tz)) if decision.due_at else "no guarantee"
        self.stdout.write(f"reaction due: {due}")
        for line in decision.explanation:
            self.stdout.write(f"  {line}")
