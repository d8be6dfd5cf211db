"""State changes of the core app."""

from django.db import transaction
from django.utils import timezone

from opiekun.core.models import WorkerHeartbeat


def record_heartbeat(name: str) -> WorkerHeartbeat:
    with transaction.atomic():
        beat, _ = WorkerHeartbeat.objects.update_or_create(
            name=name, defaults={"seen_at": timezone.now()}
        )
    return beat
