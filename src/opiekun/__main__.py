"""The `opiekun` command: Django's manage.py, with configuration and database
failures reported as one clear line and a non-zero exit instead of a traceback."""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "opiekun.settings")
    from opiekun.env import ConfigError

    try:
        from django.core.management import execute_from_command_line
        from django.db.utils import InterfaceError, OperationalError

        try:
            _prepare_state()
            execute_from_command_line(argv or sys.argv)
        except (OperationalError, InterfaceError) as exc:
            reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            print(f"opiekun: the database cannot be reached: {reason}", file=sys.stderr)
            return 2
    except ConfigError as exc:
        print(f"opiekun: configuration error: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        # The reader went away (`opiekun hours balance x | head`): stop quietly.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    return 0


def _prepare_state() -> None:
    """The embedded engines' folders, made by the command rather than at import, so that
    importing settings (gunicorn, a read-only image) writes nothing (ADR 0024)."""
    from django.conf import settings

    from opiekun.state import prepare

    prepare(settings)


if __name__ == "__main__":
    sys.exit(main())
