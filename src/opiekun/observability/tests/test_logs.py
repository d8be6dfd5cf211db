"""Logs (issue 19, item 6): one JSON object a line, the request id on every line of a
request and of the tasks it enqueued, read back from a real worker; plain text by
setting; the id taken from X-Request-ID only when sane."""

from __future__ import annotations

import io
import json
import logging
import logging.config
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from celery import signals
from celery.contrib.testing.worker import start_worker
from django.conf import settings as django_settings
from django.test import Client

from opiekun.celery import app
from opiekun.observability.logs import logging_config
from opiekun.observability.requestid import HEADER, RequestIdFilter
from opiekun.testing.personas import Personas

OPIEKUN = str(Path(sys.executable).with_name("opiekun"))


@pytest.fixture
def restore_logging() -> Iterator[None]:
    yield
    logging.config.dictConfig(django_settings.LOGGING)


def _lines(buffer: io.StringIO) -> list[dict[str, object]]:
    # Every line is one whole JSON object: json.loads fails on anything else.
    return [json.loads(line) for line in buffer.getvalue().splitlines() if line.strip()]


@pytest.mark.django_db(transaction=True)
def test_a_request_and_the_tasks_it_enqueued_log_json_with_one_request_id(
    contracted_personas: Personas, settings: object, restore_logging: None
) -> None:
    settings.LOGGING = logging_config("json", "INFO")  # type: ignore[attr-defined]
    enqueued: list[str] = []

    def seen(
        sender: str | None = None, headers: dict[str, object] | None = None, **_: object
    ) -> None:
        # By id: the worker may also find messages earlier tests left in the queue.
        enqueued.append(str((headers or {}).get("id")))

    signals.before_task_publish.connect(seen, weak=False)
    buffer = io.StringIO()
    client = Client()
    client.force_login(contracted_personas.user("customer_a"))
    try:
        with start_worker(
            app, perform_ping_check=False, pool="solo", loglevel="INFO", shutdown_timeout=10
        ):
            # The worker set logging up through our receiver: the JSON handler, which
            # now writes here instead of to stderr.
            (handler,) = logging.getLogger().handlers
            assert isinstance(handler, logging.StreamHandler)
            handler.setStream(buffer)
            response = client.post(
                "/api/v1/tickets",
                data=json.dumps({"subject": "Drukarka", "description": "Nie drukuje."}),
                content_type="application/json",
                HTTP_X_REQUEST_ID="req-0042.obs_test",
            )
            assert response.status_code == 201, response.content
            assert response[HEADER] == "req-0042.obs_test"
            assert enqueued, "opening a ticket enqueues its notices"

            def task_lines() -> list[dict[str, object]]:
                return [
                    line
                    for line in _lines(buffer)
                    if str(line["logger"]).startswith("celery.app.trace")
                    and "succeeded" in str(line["message"])
                    and any(f"[{task_id}]" in str(line["message"]) for task_id in enqueued)
                ]

            deadline = time.monotonic() + 120
            while len(task_lines()) < len(enqueued) and time.monotonic() < deadline:
                time.sleep(0.2)
    finally:
        signals.before_task_publish.disconnect(seen)
    lines = _lines(buffer)
    # Only this request's lines: a browser an earlier test left open on the shared
    # live server may still be polling, and its requests log to the same handler.
    request_lines = [
        line
        for line in lines
        if line["logger"] == "opiekun.http" and line["route"] == "api/v1/tickets"
    ]
    (line,) = request_lines
    assert (line["route"], line["method"], line["status"]) == ("api/v1/tickets", "POST", 201)
    assert (line["level"], line["request_id"]) == ("INFO", "req-0042.obs_test")
    assert str(line["time"]).endswith("+00:00")  # stored time is UTC, so are the logs
    done = task_lines()
    assert len(done) == len(enqueued)
    assert {line["request_id"] for line in done} == {"req-0042.obs_test"}


def _record(message: str) -> logging.LogRecord:
    return logging.LogRecord("opiekun.test", logging.WARNING, __file__, 1, message, None, None)


def _format(kind: str, record: logging.LogRecord) -> str:
    config = logging_config(kind, "INFO")
    logging.config.dictConfig(config)
    (handler,) = logging.getLogger().handlers
    assert handler.filters and isinstance(handler.filters[0], RequestIdFilter)
    handler.filter(record)
    return handler.format(record)


def test_an_exception_stays_on_one_json_line(restore_logging: None) -> None:
    try:
        raise ValueError("zły\nwiersz")
    except ValueError:
        record = _record("failed")
        record.exc_info = sys.exc_info()
    text = _format("json", record)
    assert "\n" not in text
    line = json.loads(text)
    assert line["message"] == "failed" and "ValueError: zły\nwiersz" in line["exc_info"]
    assert line["level"] == "WARNING" and line["request_id"] is None


def test_text_logs_name_the_request_id_too(restore_logging: None) -> None:
    assert _format("text", _record("hello")).endswith("WARNING opiekun.test [None] hello")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "given", ["", "a" * 129, "x\r\nSet-Cookie: a=b", "id with spaces", '{"forged": 1}', "ąę"]
)
def test_an_insane_request_id_is_replaced_by_a_new_one(given: str) -> None:
    response = Client().get("/healthz/live", HTTP_X_REQUEST_ID=given)
    made = response[HEADER]
    assert made != given and len(made) == 32 and made.isalnum()


@pytest.mark.django_db
def test_each_request_gets_its_own_id() -> None:
    first, second = (Client().get("/healthz/live")[HEADER] for _ in range(2))
    assert first != second


def _check(tmp_path: Path, **extra: str) -> subprocess.CompletedProcess[str]:
    env = {
        "PATH": os.environ["PATH"],
        "HOME": str(tmp_path),
        "DEBUG": "true",
        "OPIEKUN_VAR_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path}/logs.sqlite3",
        **extra,
    }
    return subprocess.run(  # noqa: S603
        [OPIEKUN, "check"], capture_output=True, text=True, env=env, timeout=120, check=False
    )


def test_a_bad_log_format_stops_start_up_with_a_clear_message(tmp_path: Path) -> None:
    result = _check(tmp_path, LOG_FORMAT="xml")
    assert result.returncode == 2
    assert "LOG_FORMAT: expected one of json, text, got 'xml'" in result.stderr
    assert _check(tmp_path, LOG_FORMAT="json").returncode == 0
