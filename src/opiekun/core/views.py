from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET

from opiekun.core.models import WorkerHeartbeat


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the database answers; reports when the worker last beat, so an operator
    can tell a stopped worker from a healthy one without failing the web check."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        beat = WorkerHeartbeat.objects.filter(name="celery").first()
        from opiekun.mail.poll import overdue

        late = [m.name for m in overdue()]
    except Exception as exc:
        return JsonResponse({"status": "error", "database": str(exc)}, status=503)
    return JsonResponse(
        {
            "status": "ok",
            "database": "ok",
            "worker_seen_at": beat.seen_at.isoformat() if beat else None,
            # R-SLA-8: mailboxes not read for 2 hours in the day (server down, no worker).
            "mailboxes_overdue": late,
        }
    )
