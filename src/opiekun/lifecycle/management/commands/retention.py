"""`opiekun retention [--dry-run]`: what the retention periods remove today (raw inbound
mail, audit events, files of closed tickets, report exports, expired sessions), printed; without
--dry-run it is removed, as the nightly beat job does (README, "Data lifecycle")."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from opiekun.lifecycle import actions, retention


class Command(BaseCommand):
    help = "Apply the retention periods (RETENTION_*_DAYS); --dry-run only prints."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="print what would go")

    def handle(self, *args: Any, **options: Any) -> None:
        days = settings.RETENTION
        for label, n in (
            ("RETENTION_RAW_MAIL_DAYS", days.raw_mail_days),
            ("RETENTION_AUDIT_DAYS", days.audit_days),
            ("RETENTION_CLOSED_ATTACHMENT_DAYS", days.closed_attachment_days),
            ("RETENTION_EXPORT_DAYS", days.export_days),
        ):
            self.stdout.write(f"{label}={n}" + (" (kept for ever)" if not n else ""))
        if options["dry_run"]:
            self.stdout.write("would remove:")
            found = retention.report()
        else:
            self.stdout.write("removed:")
            found = actions.apply_retention()
        for line in found.lines():
            self.stdout.write(f"  {line}")
