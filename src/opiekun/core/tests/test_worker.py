"""A task goes through the configured broker (filesystem by default, Redis in CI's
second pass) to a real worker, which writes to the database."""

import pytest
from celery.contrib.testing.worker import start_worker

from opiekun.celery import app
from opiekun.core import tasks
from opiekun.core.models import WorkerHeartbeat


@pytest.mark.django_db(transaction=True)
def test_it_runs_the_heartbeat_through_the_broker() -> None:
    assert tasks.heartbeat.name in app.tasks
    with start_worker(app, perform_ping_check=False, pool="solo", shutdown_timeout=10):
        tasks.heartbeat.delay()
        for _ in range(100):
            if WorkerHeartbeat.objects.filter(name="celery").exists():
                break
            import time

            time.sleep(0.1)
    assert WorkerHeartbeat.objects.filter(name="celery").exists()


def test_the_filesystem_broker_keeps_all_its_files_under_var() -> None:
    from django.conf import settings

    options = settings.CELERY_BROKER_TRANSPORT_OPTIONS
    if not settings.CELERY_BROKER_URL.startswith("filesystem"):
        # The Redis pass: no files at all, only how long a late-acknowledged task may wait
        # before Redis hands it to another worker (ADR 24).
        assert not any("folder" in key for key in options), options
        return
    var = str(settings.VAR_DIR)
    for key in ("data_folder_in", "data_folder_out", "processed_folder", "control_folder"):
        assert str(options[key]).startswith(var), key
