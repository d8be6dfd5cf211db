"""/healthz: whether this process can serve, and for staff or a monitor what it waits on.
At the project's top, beside urls.py: it reports on the database, the worker and the
mailboxes, so it may import every app (ARCHITECTURE rule 7)."""

from __future__ import annotations

import hmac
import logging

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET

from opiekun.core.access import is_staff_member
from opiekun.core.models import WorkerHeartbeat
from opiekun.mail import poll

logger = logging.getLogger(__name__)


def may_see_health_details(request: HttpRequest) -> bool:
    """Staff, or a monitor sending `Authorization: Bearer <HEALTHZ_TOKEN>`."""
    if is_staff_member(request.user):
        return True
    expected = settings.HEALTHZ_TOKEN
    given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    return bool(expected) and hmac.compare_digest(given.encode(), expected.encode())


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the database answers, 503 when not. A stranger learns only that: the
    error text names tables and hosts, mailbox names name customers. Staff and a monitor
    with the token also see when the worker last beat and which mailboxes are overdue, so
    an operator can tell a stopped worker from a healthy one without failing the check."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        beat = WorkerHeartbeat.objects.filter(name="celery").first()
        late = [m.name for m in poll.overdue()]
    except Exception as exc:
        logger.exception("health check failed")
        if may_see_health_details(request):
            return JsonResponse({"status": "error", "database": str(exc)}, status=503)
        return JsonResponse({"status": "error"}, status=503)
    if not may_see_health_details(request):
        return JsonResponse({"status": "ok"})
    return JsonResponse(
        {
            "status": "ok",
            "database": "ok",
            "worker_seen_at": beat.seen_at.isoformat() if beat else None,
            # R-SLA-8: mailboxes not read for 2 hours in the day (server down, no worker).
            "mailboxes_overdue": late,
        }
    )
