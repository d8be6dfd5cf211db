from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from opiekun.catalog import actions, presets


class Command(BaseCommand):
    help = "Load the seed vendors' plans: opiekun preset load kjm|pwsk|ship|eks|mer|all"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="verb", required=True)
        load = sub.add_parser("load", help="load one preset, or all of them, idempotently")
        load.add_argument("name", help=f"one of {', '.join(presets.PRESETS)}, or all")
        sub.add_parser("list", help="list the presets")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["verb"] == "list":
            for name in presets.PRESETS:
                self.stdout.write(name)
            return
        name = options["name"]
        names = list(presets.PRESETS) if name == "all" else [name]
        try:
            tallies = actions.load_presets(names)
        except presets.PresetError as exc:
            raise CommandError(str(exc), returncode=2) from None
        for preset_name, tally in tallies.items():
            self.stdout.write(f"preset {preset_name}: {tally.summary()}")
