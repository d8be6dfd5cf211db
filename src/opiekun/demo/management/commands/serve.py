"""Starts the web server, a Celery worker on every queue and beat, and prints where to go.

All three run as child processes, the same command lines as `opiekun web`, `opiekun
worker` and `opiekun beat` on separate machines; Ctrl-C (or SIGTERM) stops them all."""

from __future__ import annotations

import os
import signal
import subprocess
import time
import urllib.request
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.db import connections

from opiekun import processes
from opiekun.core.management.commands.web import collect_static_if_stale
from opiekun.demo import load as demo


class Command(BaseCommand):
    help = "Run the web server, a Celery worker and beat: the whole desk on one machine."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--bind", default="127.0.0.1:8000")
        parser.add_argument("--workers", type=int, default=2)
        parser.add_argument("--no-worker", action="store_true", help="web server only")

    def handle(self, *args: Any, **options: Any) -> None:
        collect_static_if_stale()
        connections.close_all()
        web_env = {
            **os.environ,
            "WEB_BIND": options["bind"],
            "WEB_WORKERS": str(options["workers"]),
        }
        children: list[subprocess.Popen[bytes]] = []
        children.append(subprocess.Popen(processes.web(), env=web_env))  # noqa: S603
        if not options["no_worker"]:
            schedule = Path(settings.CELERY_BEAT_SCHEDULE_FILENAME)
            schedule.parent.mkdir(parents=True, exist_ok=True)
            for argv in (processes.worker(concurrency=2), processes.beat(schedule)):
                children.append(subprocess.Popen(argv))  # noqa: S603 - our own executables

        def stop(*_: Any) -> None:
            for child in children:
                if child.poll() is None:
                    child.terminate()
            for child in children:
                try:
                    child.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    child.kill()
            raise SystemExit(0)

        signal.signal(signal.SIGTERM, stop)
        url = f"http://{options['bind']}/"
        try:
            self._wait_until_up(url + "healthz", children[0])
            self._banner(url)
            while all(child.poll() is None for child in children):
                time.sleep(0.5)
            self.stderr.write("opiekun: a child process stopped; shutting down")
            stop()
        except KeyboardInterrupt:
            stop()

    def _wait_until_up(self, url: str, web: subprocess.Popen[bytes]) -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and web.poll() is None:
            try:
                with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.3)

    def _banner(self, url: str) -> None:
        lines = [
            "",
            f"opiekun is up: {url}  (health: {url}healthz, admin: {url}admin/,"
            f" API: {url}api/v1/docs)",
            "Demo logins, staff:",
            *[f"  {x.username:10} / {x.password:16} {x.who}" for x in demo.staff_logins()],
            "Demo logins, customers:",
            *[f"  {x.username:10} / {x.password:16} {x.who}" for x in demo.customer_logins()],
            "Stop with Ctrl-C.",
            "",
        ]
        self.stdout.write("\n".join(lines))
        # A pipe or a file is block-buffered: without this the logins showed only at exit.
        self.stdout.flush()
