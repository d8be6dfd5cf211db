"""Starts the web server and a Celery worker with beat, and prints where to go.

Both run as child processes; Ctrl-C (or SIGTERM) stops both. The web server is gunicorn,
as in production, with whitenoise serving static files."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.request
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from opiekun.demo import load as demo


class Command(BaseCommand):
    help = "Run the web server and the Celery worker with beat."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--bind", default="127.0.0.1:8000")
        parser.add_argument("--workers", type=int, default=2)
        parser.add_argument("--no-worker", action="store_true", help="web server only")

    def handle(self, *args: Any, **options: Any) -> None:
        bin_dir = os.path.dirname(sys.executable)
        children: list[subprocess.Popen[bytes]] = []
        web = [
            os.path.join(bin_dir, "gunicorn"),
            "opiekun.wsgi:application",
            "--bind",
            options["bind"],
            "--workers",
            str(options["workers"]),
            "--access-logfile",
            "-",
        ]
        children.append(subprocess.Popen(web))  # noqa: S603 - our own executables
        if not options["no_worker"]:
            (settings.VAR_DIR / "celery").mkdir(parents=True, exist_ok=True)
            worker = [
                os.path.join(bin_dir, "celery"),
                "-A",
                "opiekun",
                "worker",
                "--beat",
                "--loglevel",
                "INFO",
                "--concurrency",
                "2",
                "--schedule",
                str(settings.CELERY_BEAT_SCHEDULE_FILENAME),
            ]
            children.append(subprocess.Popen(worker))  # noqa: S603

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
