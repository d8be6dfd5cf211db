"""/healthz/ready's checks: can this process do its work now? Each check raises when
not; the view names the ones that did."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.utils import timezone

from opiekun.celery import app
from opiekun.core.models import WorkerHeartbeat
from opiekun.observability import broker


class NotReady(Exception):
    pass


def database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def broker_reachable() -> None:
    broker.check(app)


def storage() -> None:
    """Writes, reads back and deletes a small file wherever attachments go (local disk,
    or S3-compatible storage when configured): a full disk, a read-only mount or wrong
    credentials all show here rather than on a customer's upload."""
    probe = f"healthz/ready-{uuid.uuid4().hex}.txt"
    content = b"opiekun readiness probe"
    name = default_storage.save(probe, ContentFile(content))
    try:
        with default_storage.open(name, "rb") as stored:
            if stored.read() != content:
                raise NotReady("the storage returned other bytes than were written")
    finally:
        default_storage.delete(name)


def beat() -> None:
    """Beat sends the heartbeat every minute and a worker runs it: an old or missing
    heartbeat means no beat, no worker, or a broker that swallows tasks."""
    seen = WorkerHeartbeat.objects.filter(name="celery").values_list("seen_at", flat=True).first()
    if seen is None:
        raise NotReady("no heartbeat yet")
    age = timezone.now() - seen
    limit = dt.timedelta(seconds=settings.HEALTHZ_HEARTBEAT_MAX_AGE_SECONDS)
    if age > limit:
        raise NotReady(f"last heartbeat {int(age.total_seconds())} s ago")


CHECKS: dict[str, Callable[[], None]] = {
    "database": database,
    "broker": broker_reachable,
    "storage": storage,
    "beat": beat,
}
