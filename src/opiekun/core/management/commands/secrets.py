from typing import Any

from cryptography.fernet import Fernet
from django.core.management.base import BaseCommand, CommandParser

from opiekun.core import actions


class Command(BaseCommand):
    help = (
        "The secret box (ADR 8): `new-key` prints a fresh key for OPIEKUN_SECRET_BOX_KEY; "
        "`rotate` re-encrypts every stored secret under the first key."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("what", choices=["new-key", "rotate"])

    def handle(self, *args: Any, **options: Any) -> None:
        if options["what"] == "new-key":
            self.stdout.write(Fernet.generate_key().decode())
            return
        count = actions.rotate_secrets()
        self.stdout.write(f"secrets: {count} value(s) now encrypted under the first key")
