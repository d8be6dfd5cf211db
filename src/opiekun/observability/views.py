"""/metrics, /healthz/live and /healthz/ready."""

from __future__ import annotations

import hmac
import logging

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
from prometheus_client.multiprocess import MultiProcessCollector

from opiekun.health import may_see_health_details
from opiekun.observability import readiness
from opiekun.observability.facts import FactsCollector

logger = logging.getLogger(__name__)


def _bearer(request: HttpRequest, expected: str) -> bool:
    given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    return bool(expected) and hmac.compare_digest(given.encode(), expected.encode())


@never_cache
@require_GET
def metrics(request: HttpRequest) -> HttpResponse:
    """Prometheus' text format, for a scraper sending `Authorization: Bearer
    <METRICS_TOKEN>`. Anyone else, and everyone while no token is set, finds nothing
    here (404): the figures tell how busy the desk is and name its mailboxes."""
    if not _bearer(request, settings.METRICS_TOKEN):
        raise Http404
    # A registry per scrape: the counts of every process on this machine (their files)
    # and the facts read now.
    registry = CollectorRegistry(auto_describe=False)
    MultiProcessCollector(registry, path=settings.PROMETHEUS_MULTIPROC_DIR)
    registry.register(FactsCollector())
    return HttpResponse(generate_latest(registry), content_type=CONTENT_TYPE_LATEST)


@never_cache
@require_GET
def live(request: HttpRequest) -> JsonResponse:
    """The process answers: nothing else is asked, so a database outage does not get
    every web process restarted."""
    return JsonResponse({"status": "ok"})


@never_cache
@require_GET
def ready(request: HttpRequest) -> JsonResponse:
    """200 when every check passes, 503 naming those that failed. The names tell a
    stranger nothing secret; the errors (hosts, paths) only staff and a monitor with
    HEALTHZ_TOKEN see, as on /healthz."""
    checks: dict[str, str] = {}
    errors: dict[str, str] = {}
    for name, check in readiness.CHECKS.items():
        try:
            check()
        except Exception as exc:
            logger.warning("readiness: %s failed: %s", name, exc)
            checks[name] = "error"
            errors[name] = str(exc) or type(exc).__name__
        else:
            checks[name] = "ok"
    body: dict[str, object] = {"status": "error" if errors else "ok", "checks": checks}
    if errors:
        body["failed"] = sorted(errors)
        if may_see_health_details(request):
            body["errors"] = errors
    return JsonResponse(body, status=503 if errors else 200)
