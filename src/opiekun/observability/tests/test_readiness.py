"""/healthz/live and /healthz/ready (issue 19, item 6): live asks nothing; ready asks
the database, the broker, the storage and the beat heartbeat, and names what failed."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from opiekun.core.actions import record_heartbeat
from opiekun.core.models import WorkerHeartbeat
from opiekun.testing.personas import Personas

pytestmark = pytest.mark.django_db

ALL_OK = {"database": "ok", "broker": "ok", "storage": "ok", "beat": "ok"}


@pytest.fixture
def beating() -> None:
    record_heartbeat("celery")


def test_live_answers_without_the_database(django_assert_num_queries: object) -> None:
    with django_assert_num_queries(0):  # type: ignore[operator]
        response = Client().get("/healthz/live")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_ready_when_everything_answers(beating: None, settings: object, tmp_path: Path) -> None:
    response = Client().get("/healthz/ready")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": ALL_OK}
    # The storage probe wrote where attachments go, and cleaned up after itself.
    probes = Path(settings.MEDIA_ROOT) / "healthz"  # type: ignore[attr-defined]
    assert probes.is_dir() and not list(probes.iterdir())


def test_not_ready_when_the_broker_is_unreachable(beating: None, broker_down: str) -> None:
    response = Client().get("/healthz/ready")
    assert response.status_code == 503
    body = response.json()
    assert body["failed"] == ["broker"]
    assert body["checks"] == {**ALL_OK, "broker": "error"}
    # A stranger learns which check failed, not the broker's address.
    assert "errors" not in body and broker_down not in response.content.decode()


def test_staff_and_a_monitor_with_the_token_see_why(
    beating: None, broker_down: str, personas: Personas, settings: object
) -> None:
    staff = Client()
    staff.force_login(personas.agent.user)
    assert "broker" in staff.get("/healthz/ready").json()["errors"]
    settings.HEALTHZ_TOKEN = "monitor-token-long-enough"  # type: ignore[attr-defined]
    monitor = Client().get("/healthz/ready", HTTP_AUTHORIZATION="Bearer monitor-token-long-enough")
    assert monitor.json()["errors"]["broker"]
    outsider = Client()
    outsider.force_login(personas.outsider)
    assert "errors" not in outsider.get("/healthz/ready").json()


def test_not_ready_without_a_recent_heartbeat(settings: object) -> None:
    response = Client().get("/healthz/ready")
    assert response.status_code == 503
    assert response.json()["failed"] == ["beat"]  # never beat
    record_heartbeat("celery")
    old = timezone.now() - dt.timedelta(
        seconds=settings.HEALTHZ_HEARTBEAT_MAX_AGE_SECONDS + 60  # type: ignore[attr-defined]
    )
    WorkerHeartbeat.objects.filter(name="celery").update(seen_at=old)
    assert Client().get("/healthz/ready").json()["failed"] == ["beat"]
    record_heartbeat("celery")
    assert Client().get("/healthz/ready").status_code == 200


def test_not_ready_when_the_storage_cannot_be_written(
    beating: None, settings: object, tmp_path: Path
) -> None:
    # A file where the folder should be: refused even to root, who ignores permissions.
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    settings.MEDIA_ROOT = str(blocker / "media")  # type: ignore[attr-defined]
    response = Client().get("/healthz/ready")
    assert response.status_code == 503
    assert response.json()["failed"] == ["storage"]


def test_not_ready_when_the_database_is_down(
    beating: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("could not connect to server at db.internal")

    monkeypatch.setattr(connection, "cursor", broken)
    response = Client().get("/healthz/ready")
    assert response.status_code == 503
    # The heartbeat is read from the database too: both fail, and neither says where.
    assert response.json()["failed"] == ["beat", "database"]
    assert b"db.internal" not in response.content


def test_the_old_healthz_still_answers(beating: None) -> None:
    assert Client().get("/healthz").json() == {"status": "ok"}
