"""The figures counted as they happen: HTTP requests and their latency, Celery task runs
and failures. Every web and worker process on a machine writes its counts to files in
PROMETHEUS_MULTIPROC_DIR (settings.py points it under OPIEKUN_VAR_DIR before anything
loads prometheus_client), and /metrics adds them all up, so several gunicorn workers
and a prefork Celery worker are one figure. Figures that are facts in the database or
the broker are not counted here but read at scrape time (facts.py)."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.http import HttpRequest, HttpResponse

# Reading the setting loads settings.py, which exports the folder to the environment
# where prometheus_client looks for it when it is first imported, just below.
_folder = settings.PROMETHEUS_MULTIPROC_DIR
if _folder:
    # Made on first use, not by settings: a read-only image only needs VAR_DIR writable.
    Path(_folder).mkdir(parents=True, exist_ok=True)

from prometheus_client import Counter, Histogram  # noqa: E402 (after the folder exists)

logger = logging.getLogger("opiekun.http")

# Label values come from a closed set: a client's invented method or an unknown path
# must not create a new time series per request.
_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})

http_requests = Counter(
    "opiekun_http_requests_total",
    "HTTP requests answered, by method, URL pattern and status.",
    ["method", "route", "status"],
)
http_latency = Histogram(
    "opiekun_http_request_duration_seconds",
    "Time from the request reaching the app to its response, by method and URL pattern.",
    ["method", "route"],
)
task_runs = Counter(
    "opiekun_celery_task_runs_total", "Celery task runs finished, by task.", ["task"]
)
task_failures = Counter(
    "opiekun_celery_task_failures_total", "Celery task runs that raised, by task.", ["task"]
)


def route_name(request: HttpRequest) -> str:
    """The URL pattern that answered (``console/tickets/<int:pk>``), never the path:
    paths carry ids and secret tokens (password reset, calendar feeds), and one series
    per ticket would swamp Prometheus. The pattern, not the URL's name: the API's
    operations share one pattern and one name per path (GET and POST /api/v1/tickets
    are both ``list_tickets``), so the name would mislabel a POST."""
    match = getattr(request, "resolver_match", None)
    if match is None:
        return "unmatched"
    return match.route or match.view_name or "unnamed"


class RequestMetricsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = self.get_response(request)
        method = request.method if request.method in _METHODS else "other"
        route = route_name(request)
        http_requests.labels(method, route, str(response.status_code)).inc()
        seconds = time.perf_counter() - started
        http_latency.labels(method, route).observe(seconds)
        # The access line: the route, not the path (see route_name), and no query string.
        logger.info(
            "%s %s %s",
            method,
            route,
            response.status_code,
            extra={
                "method": method,
                "route": route,
                "status": response.status_code,
                "duration_ms": round(seconds * 1000),
            },
        )
        return response
