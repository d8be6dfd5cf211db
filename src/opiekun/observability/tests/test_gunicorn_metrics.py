"""Several gunicorn workers are one figure (issue 19, item 6): requests answered by any
worker, scraped from any worker, add up, through the shared PROMETHEUS_MULTIPROC_DIR."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

from opiekun.observability.tests.scrape import TOKEN
from opiekun.testing.mailservers import free_port


def _get(url: str, token: str = "") -> tuple[int, str]:
    request = urllib.request.Request(url)  # noqa: S310 (a local test server)
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, ""


def _live_count(text: str) -> float:
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            labels = sample.labels
            if (
                sample.name == "opiekun_http_requests_total"
                and labels.get("route") == "healthz/live"
                and labels.get("status") == "200"
            ):
                return sample.value
    return 0.0


@pytest.mark.slow
def test_two_gunicorn_workers_count_as_one(tmp_path: Path) -> None:
    port = free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "opiekun.settings",
        "DEBUG": "false",
        "METRICS_TOKEN": TOKEN,
        "OPIEKUN_VAR_DIR": str(tmp_path),
        "PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "metrics"),
        "DATABASE_URL": f"sqlite:///{tmp_path}/web.sqlite3",
        "ALLOWED_HOSTS": "127.0.0.1",
    }
    gunicorn = str(Path(sys.executable).with_name("gunicorn"))
    command = [gunicorn, "opiekun.wsgi", "--workers", "2", "--bind", f"127.0.0.1:{port}"]
    server = subprocess.Popen(  # noqa: S603
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 240  # a loaded machine starts a worker slowly
        while time.monotonic() < deadline:
            assert server.poll() is None, server.stderr.read().decode() if server.stderr else ""
            try:
                if _get(f"{base}/healthz/live")[0] == 200:
                    break
            except OSError:
                pass  # not listening yet
            time.sleep(0.2)
        # Counted from here: the readiness probe above was one request already.
        for _ in range(19):
            assert _get(f"{base}/healthz/live")[0] == 200
        assert _get(f"{base}/metrics")[0] == 404
        # Whichever worker answers the scrape, it adds up both workers' files.
        for _ in range(4):
            status, text = _get(f"{base}/metrics", TOKEN)
            assert status == 200
            assert _live_count(text) == 20
    finally:
        server.terminate()
        server.wait(timeout=30)
    # The counts were in the folder given, one file per process that counted.
    assert list((tmp_path / "metrics").glob("counter_*.db"))
