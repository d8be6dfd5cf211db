import importlib
import os
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.db import connections

from opiekun import processes


class Command(BaseCommand):
    help = (
        "Run the web server: gunicorn configured by WEB_BIND, WEB_WORKERS, WEB_THREADS, "
        "WEB_TIMEOUT and the other WEB_* variables (README, Commands)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--bind", help="overrides WEB_BIND, e.g. 0.0.0.0:8000")
        parser.add_argument("--workers", type=int, help="overrides WEB_WORKERS")
        parser.add_argument("--threads", type=int, help="overrides WEB_THREADS")

    def handle(self, *args: Any, **options: Any) -> None:
        for option, variable in (
            ("bind", "WEB_BIND"),
            ("workers", "WEB_WORKERS"),
            ("threads", "WEB_THREADS"),
        ):
            if options[option] is not None:
                os.environ[variable] = str(options[option])
        # Read here first: a bad WEB_* value stops us with one line naming it, before
        # gunicorn would print a traceback.
        importlib.import_module("opiekun.gunicorn_conf")
        collect_static_if_stale()
        connections.close_all()
        argv = processes.web()
        os.execv(argv[0], argv)  # noqa: S606 - our own interpreter, fixed arguments


def collect_static_if_stale() -> bool:
    """Production serves hashed static files from STATIC_ROOT (whitenoise): collected
    here when the manifest is missing or older than a source file, so `pip install`
    then `opiekun web` works. An image that collected them at build time writes nothing."""
    if settings.DEBUG:
        return False  # served from the apps' folders (WHITENOISE_USE_FINDERS)
    from django.contrib.staticfiles import finders

    manifest = settings.STATIC_ROOT / "staticfiles.json"
    if manifest.exists():
        collected = manifest.stat().st_mtime
        newest = max(
            (
                os.path.getmtime(storage.path(path))
                for finder in finders.get_finders()
                for path, storage in finder.list([])
            ),
            default=0.0,
        )
        if newest <= collected:
            return False
    call_command("collectstatic", interactive=False, verbosity=0)
    return True
