"""A real worker process (`celery worker`, as `opiekun worker` starts it) logs JSON
through the project's LOGGING, and the request id sent with a task is on its lines."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from opiekun.celery import app
from opiekun.observability import requestid
from opiekun.observability.tests.echo_task import echo


@pytest.mark.slow
def test_a_worker_process_logs_json_with_the_request_id_of_the_sender(tmp_path: Path) -> None:
    queue = f"obs-logs-{uuid.uuid4().hex[:8]}"
    log = tmp_path / "worker.log"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "opiekun.settings",
        "LOG_FORMAT": "json",
        "DATABASE_URL": f"sqlite:///{tmp_path}/worker.sqlite3",
    }
    command = [sys.executable, "-m", "celery", "-A", "opiekun.celery", "worker"]
    command += ["--pool", "solo", "--loglevel", "INFO", "--without-heartbeat"]
    command += ["--without-gossip", "--without-mingle", "-Q", queue]
    command += ["--include", "opiekun.observability.tests.echo_task"]
    with log.open("w") as sink:
        worker = subprocess.Popen(command, env=env, stdout=sink, stderr=subprocess.STDOUT)  # noqa: S603
        try:
            requestid.use("sent-by-req-77")
            try:
                echo.apply_async(("ahoj",), queue=queue)
            finally:
                requestid.use(None)
            deadline = time.monotonic() + 240  # a loaded machine starts a worker slowly
            while "echo ahoj" not in log.read_text() and time.monotonic() < deadline:
                assert worker.poll() is None, log.read_text()
                time.sleep(0.2)
        finally:
            worker.terminate()
            worker.wait(timeout=30)
            with app.connection_for_write() as connection:
                connection.default_channel.queue_delete(queue)
    text = log.read_text()
    lines = [json.loads(line) for line in text.splitlines() if line.startswith("{")]
    echoed = [line for line in lines if line["message"] == "echo ahoj"]
    assert len(echoed) == 1, text
    (said,) = echoed
    assert said["request_id"] == "sent-by-req-77" and said["word"] == "ahoj"
    assert said["logger"] == "opiekun.observability.tests.echo_task"
    finished = [line for line in lines if "succeeded" in str(line["message"])]
    assert [line["request_id"] for line in finished] == ["sent-by-req-77"]
    # The worker's own lines are JSON too (no Celery format), outside any request.
    assert any(line["request_id"] is None for line in lines)
