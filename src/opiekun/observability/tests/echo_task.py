"""A task for the tests that start a real worker process: it only logs, so the worker
needs no database of the test's."""

from __future__ import annotations

import logging

from celery import shared_task

logger = logging.getLogger(__name__)


@shared_task(name="opiekun.observability.tests.echo", ignore_result=True)
def echo(word: str) -> None:
    logger.info("echo %s", word, extra={"word": word})
