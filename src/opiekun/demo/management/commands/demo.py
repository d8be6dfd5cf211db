from typing import Any

from django.core.management.base import BaseCommand

from opiekun.demo import load as demo


class Command(BaseCommand):
    help = "Add the demo organisations, staff, contracts and tickets (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        tally = demo.load_demo()
        self.stdout.write(f"demo: {tally['created']} created (a second run creates nothing)")
