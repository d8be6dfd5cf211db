"""The command lines of the three kinds of process: `opiekun web`, `opiekun worker`,
`opiekun beat`. The commands exec them (the process manager then signals gunicorn or
Celery directly); `opiekun serve` starts all three as its children (ADR 0024)."""

from __future__ import annotations

import sys
from pathlib import Path

from opiekun import queues

PYTHON = sys.executable


def web() -> list[str]:
    """gunicorn with its configuration module; every value from the environment."""
    return [PYTHON, "-m", "gunicorn", "--config", "python:opiekun.gunicorn_conf"]


def worker(
    queue_names: list[str] | None = None,
    *,
    concurrency: int | None = None,
    hostname: str | None = None,
    loglevel: str = "INFO",
) -> list[str]:
    """A Celery worker on the named queues (all of them by default)."""
    argv = [PYTHON, "-m", "celery", "--app", "opiekun", "worker", "--loglevel", loglevel]
    argv += ["--queues", ",".join(queue_names or queues.QUEUES)]
    if concurrency:
        argv += ["--concurrency", str(concurrency)]
    if hostname:
        argv += ["--hostname", hostname]
    return argv


def beat(schedule: Path, *, loglevel: str = "INFO") -> list[str]:
    """Celery beat, which only sends the periodic tasks; run exactly one. A second one
    started by mistake sends each job twice, which does no harm: every periodic job
    claims its rows (opiekun.queues)."""
    return [
        PYTHON,
        *("-m", "celery", "--app", "opiekun", "beat"),
        *("--loglevel", loglevel, "--schedule", str(schedule)),
    ]
