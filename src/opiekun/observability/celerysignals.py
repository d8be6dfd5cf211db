"""Celery's side: the request id travels in a message header of every task enqueued
while a request (or a task) runs, and the worker puts it back while the task runs, so
the task's log lines carry the id of the request that caused them. Task runs and
failures are counted here too. Connected once by opiekun/celery.py in every process."""

from __future__ import annotations

import logging.config
from typing import Any

from celery import signals

from opiekun.observability import requestid

HEADER = "opiekun_request_id"


def _publish(headers: dict[str, Any] | None = None, **_: Any) -> None:
    request_id = requestid.current()
    if headers is not None and request_id and HEADER not in headers:
        headers[HEADER] = request_id


def _prerun(task: Any = None, **_: Any) -> None:
    if task is None or task.request.is_eager:
        # An eager task runs inside the caller, whose id already holds.
        return
    # Set at every start, header or not: a worker thread's previous task must not lend
    # its id to this one. Custom headers land on the request context.
    given = task.request.get(HEADER) or (task.request.headers or {}).get(HEADER)
    requestid.use(given if isinstance(given, str) else None)


def _postrun(sender: Any = None, task: Any = None, **_: Any) -> None:
    # Loaded here, not at the top: prometheus_client must first see the folder that
    # settings give it, and this module loads with the Celery app, maybe before them.
    from opiekun.observability import metrics

    metrics.task_runs.labels(_name(task or sender)).inc()


def _failure(sender: Any = None, **_: Any) -> None:
    from opiekun.observability import metrics

    metrics.task_failures.labels(_name(sender)).inc()


def _name(task: Any) -> str:
    return str(getattr(task, "name", None) or "unknown")


def _setup_logging(**_: Any) -> None:
    """Celery leaves logging alone when this signal has a receiver: the worker and beat
    log through the same LOGGING (JSON or text, with the request id) as the web."""
    from django.conf import settings

    logging.config.dictConfig(settings.LOGGING)


def _beat_ready(sender: Any = None, **_: Any) -> None:
    """Beat says "Starting..." before it opens its schedule file, and a stop signal
    while the file is being set up ends it with an error. This line comes after: the
    schedule is loaded and a process manager (or a test) may stop beat cleanly."""
    jobs = len(getattr(getattr(sender, "scheduler", None), "schedule", {}) or {})
    logging.getLogger("opiekun.beat").info("beat: schedule ready with %d periodic jobs", jobs)


def connect() -> None:
    # weak=False: the receivers are module functions, but say it outright; dispatch_uid
    # keeps a second connect() (a test reloading) from counting every run twice.
    signals.before_task_publish.connect(_publish, weak=False, dispatch_uid="opiekun-rid-pub")
    signals.task_prerun.connect(_prerun, weak=False, dispatch_uid="opiekun-rid-prerun")
    signals.task_postrun.connect(_postrun, weak=False, dispatch_uid="opiekun-task-runs")
    signals.task_failure.connect(_failure, weak=False, dispatch_uid="opiekun-task-failures")
    signals.setup_logging.connect(_setup_logging, weak=False, dispatch_uid="opiekun-logging")
    signals.beat_init.connect(_beat_ready, weak=False, dispatch_uid="opiekun-beat-ready")
