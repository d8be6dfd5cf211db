"""`opiekun search rebuild`: every ticket's search document again, after an upgrade, a
restore or a change made outside the actions (the Django admin)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction

from opiekun.search import index


class Command(BaseCommand):
    help = "Rebuild the search documents of all tickets."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("what", choices=["rebuild"])

    def handle(self, *args: Any, **options: Any) -> None:
        with transaction.atomic():
            written = index.rebuild()
        self.stdout.write(f"search: {written} tickets indexed")
