"""`opiekun restore DIR`: a backup of `opiekun backup` into an empty database (of the
same engine) and the storage; every file is checked against its hash first."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from opiekun.lifecycle.backup import BackupError, restore
from opiekun.lifecycle.management.commands._progress import bar


class Command(BaseCommand):
    help = "Restore a backup folder into an empty database and the storage."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("folder", help="a folder written by `opiekun backup`")

    def handle(self, *args: Any, **options: Any) -> None:
        folder = Path(options["folder"])
        try:
            with bar(self.stderr._out) as progress:
                manifest = restore(folder, progress)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            f"restored the {manifest.engine} database of {manifest.created_at} and "
            f"{len(manifest.files)} file(s)"
        )
