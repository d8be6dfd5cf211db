"""The nightly data-lifecycle jobs run by beat (opiekun.schedule)."""

from __future__ import annotations

import logging

from celery import shared_task
from django.core.management import call_command

from opiekun.lifecycle import actions

logger = logging.getLogger(__name__)


@shared_task(name="opiekun.lifecycle.tasks.apply_retention", ignore_result=True)
def apply_retention() -> None:
    done = actions.apply_retention()
    logger.info("retention: %s", "; ".join(done.lines()))


@shared_task(name="opiekun.lifecycle.tasks.clear_sessions", ignore_result=True)
def clear_sessions() -> None:
    """Expired sessions, by Django's own command (whatever the session engine)."""
    call_command("clearsessions")
