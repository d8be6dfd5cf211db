import os
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.db import connections

from opiekun import processes


class Command(BaseCommand):
    help = (
        "Run Celery beat, which sends the periodic jobs to the workers. Run exactly one; "
        "a second one by mistake does no harm (each job claims its rows), only twice the work."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--loglevel", default="INFO")

    def handle(self, *args: Any, **options: Any) -> None:
        # beat remembers when each job last ran, in a file under OPIEKUN_VAR_DIR.
        schedule = Path(settings.CELERY_BEAT_SCHEDULE_FILENAME)
        schedule.parent.mkdir(parents=True, exist_ok=True)
        connections.close_all()
        argv = processes.beat(schedule, loglevel=options["loglevel"])
        os.execv(argv[0], argv)  # noqa: S606 - our own interpreter, fixed arguments
