"""/metrics (issue 19, item 6): behind a token, and the counts of real requests, of
real task runs through the broker, and of other processes on the machine."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable

import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings
from django.test import Client

from opiekun.celery import app
from opiekun.core import tasks
from opiekun.observability.tests.scrape import TOKEN, Samples, scrape, value
from opiekun.testing.personas import Personas


@pytest.fixture(autouse=True)
def _token(settings: pytest.FixtureRequest) -> None:
    settings.METRICS_TOKEN = TOKEN  # type: ignore[attr-defined]


@app.task(name="opiekun.observability.tests.explode", ignore_result=True)
def explode() -> None:
    raise RuntimeError("a task that fails, for the failure count")


@pytest.mark.django_db
def test_it_is_not_there_without_the_token(settings: object, personas: Personas) -> None:
    assert Client().get("/metrics").status_code == 404
    wrong = Client().get("/metrics", HTTP_AUTHORIZATION="Bearer guessed")
    assert wrong.status_code == 404
    for who in (personas.agent.user, personas.outsider):
        signed_in = Client()
        signed_in.force_login(who)
        assert signed_in.get("/metrics").status_code == 404
    right = Client().get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert right.status_code == 200
    assert right["Content-Type"].startswith("text/plain; version=")
    settings.METRICS_TOKEN = ""  # type: ignore[attr-defined]
    # No token set: nobody gets in, not even with an empty bearer.
    assert Client().get("/metrics", HTTP_AUTHORIZATION="Bearer ").status_code == 404


def _delta(before: Samples, after: Samples) -> Callable[..., float]:
    return lambda name, **labels: value(after, name, **labels) - value(before, name, **labels)


@pytest.mark.django_db
def test_it_counts_requests_by_method_route_and_status() -> None:
    client = Client()
    before = scrape(client)
    for _ in range(3):
        assert client.get("/healthz/live").status_code == 200
    assert client.post("/healthz/live").status_code == 405
    assert client.get("/no/such/page/4711").status_code == 404
    assert client.generic("BREW", "/healthz/live").status_code == 405
    delta = _delta(before, scrape(client))
    total = "opiekun_http_requests_total"
    assert delta(total, method="GET", route="healthz/live", status="200") == 3
    assert delta(total, method="POST", route="healthz/live", status="405") == 1
    # No path in a label: an unknown one is "unmatched", an invented method "other".
    assert delta(total, method="GET", route="unmatched", status="404") == 1
    assert delta(total, method="other", route="healthz/live", status="405") == 1
    latency = "opiekun_http_request_duration_seconds_count"
    assert delta(latency, method="GET", route="healthz/live") == 3


@pytest.mark.django_db
def test_it_adds_up_the_requests_of_every_process_on_the_machine() -> None:
    """Several gunicorn workers are one figure: another process's requests, written to
    the shared folder, show in this process's scrape."""
    before = scrape()
    other = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.test import Client; "
            "[Client().get('/healthz/live', HTTP_HOST='localhost') for _ in range(2)]",
        ],
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "opiekun.settings"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert other.returncode == 0, other.stderr
    assert os.environ["PROMETHEUS_MULTIPROC_DIR"] == settings.PROMETHEUS_MULTIPROC_DIR
    delta = _delta(before, scrape())
    label = {"method": "GET", "route": "healthz/live", "status": "200"}
    assert delta("opiekun_http_requests_total", **label) == 2


def _wait_for(check: Callable[[], bool], seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while not check() and time.monotonic() < deadline:
        time.sleep(0.2)


@pytest.mark.django_db(transaction=True)
def test_it_counts_task_runs_and_failures_by_task_through_the_broker() -> None:
    before = scrape()
    delta = _delta(before, before)
    heartbeat, boom = tasks.heartbeat.name, explode.name
    with start_worker(app, perform_ping_check=False, pool="solo", shutdown_timeout=10):
        tasks.heartbeat.delay()
        explode.delay()

        def both_counted() -> bool:
            nonlocal delta
            delta = _delta(before, scrape())
            runs = "opiekun_celery_task_runs_total"
            return delta(runs, task=heartbeat) >= 1 and delta(runs, task=boom) >= 1

        _wait_for(both_counted)
    assert delta("opiekun_celery_task_runs_total", task=heartbeat) == 1
    assert delta("opiekun_celery_task_failures_total", task=heartbeat) == 0
    assert delta("opiekun_celery_task_runs_total", task=boom) == 1
    assert delta("opiekun_celery_task_failures_total", task=boom) == 1
