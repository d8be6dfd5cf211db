import os
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connections

from opiekun import processes, queues
from opiekun.env import Env


class Command(BaseCommand):
    help = (
        "Run a Celery worker on the queues named (mail, notifications, exports, default; "
        "all by default). Start as many as the load needs, on any machine."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--queues",
            default=",".join(queues.QUEUES),
            help=f"comma-separated, of {', '.join(queues.QUEUES)} (default: all)",
        )
        parser.add_argument(
            "--concurrency",
            type=int,
            help="processes (default WORKER_CONCURRENCY, else one per CPU)",
        )
        parser.add_argument(
            "--hostname", help="the worker's name, unique per machine, e.g. mail@%%h"
        )
        parser.add_argument("--loglevel", default="INFO")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            names = queues.parse_queues(options["queues"])
        except ValueError as exc:
            raise CommandError(f"--queues: {exc}") from None
        concurrency = options["concurrency"] or Env().number("WORKER_CONCURRENCY", 0, minimum=0)
        if concurrency < 0:
            raise CommandError("--concurrency: must be at least 1")
        connections.close_all()
        argv = processes.worker(
            names,
            concurrency=concurrency or None,
            hostname=options["hostname"],
            loglevel=options["loglevel"],
        )
        os.execv(argv[0], argv)  # noqa: S606 - our own interpreter, fixed arguments
