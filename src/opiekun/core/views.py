import hmac
import logging

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_GET, require_POST
from django.views.i18n import set_language

from opiekun.core import language
from opiekun.core.access import is_staff_member, organisation_id_of
from opiekun.core.models import WorkerHeartbeat

logger = logging.getLogger(__name__)


def _may_see_health_details(request: HttpRequest) -> bool:
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
        from opiekun.mail.poll import overdue

        late = [m.name for m in overdue()]
    except Exception as exc:
        logger.exception("health check failed")
        if _may_see_health_details(request):
            return JsonResponse({"status": "error", "database": str(exc)}, status=503)
        return JsonResponse({"status": "error"}, status=503)
    if not _may_see_health_details(request):
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


def home(request: HttpRequest) -> HttpResponse:
    """Where "/" leads: staff to the console, contacts to the portal, others to sign in."""
    if is_staff_member(request.user):
        return redirect("console:queue")
    if organisation_id_of(request.user) is not None:
        return redirect("portal:home")
    return redirect_to_login("/")


@require_POST
def switch_language(request: HttpRequest) -> HttpResponse:
    """The header's language switch: kept on the person's record, then the cookie."""
    chosen = request.POST.get("language", "")
    if chosen not in language.LANGUAGES:
        # Never echo the caller's value: in an HTML page it would run. Plain text anyway.
        offered = ", ".join(sorted(language.LANGUAGES))
        return HttpResponseBadRequest(
            f"language: not offered; choose one of {offered}",
            content_type="text/plain; charset=utf-8",
        )
    language.remember(request.user, chosen)
    return set_language(request)
