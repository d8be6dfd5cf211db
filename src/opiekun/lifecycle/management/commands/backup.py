"""`opiekun backup DIR`: the database (pg_dump, or SQLite's backup API) and every stored
file, with a manifest of their hashes, into a new folder (README, "Data lifecycle")."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from opiekun.lifecycle.backup import BackupError, backup
from opiekun.lifecycle.management.commands._progress import bar


class Command(BaseCommand):
    help = "Back up the database and the stored files into a new folder."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("folder", help="a new or empty folder")

    def handle(self, *args: Any, **options: Any) -> None:
        folder = Path(options["folder"])
        try:
            with bar(self.stderr._out) as progress:
                manifest = backup(folder, progress)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            f"backed up the {manifest.engine} database and {len(manifest.files)} file(s) "
            f"into {folder}"
        )
        for name in manifest.missing:
            self.stderr.write(f"missing from storage, not backed up: {name}")
