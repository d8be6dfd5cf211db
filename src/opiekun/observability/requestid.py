"""The request id: taken from a sane X-Request-ID (a proxy's or a client's, so one id
follows a request through nginx, the app and its tasks) or made here, returned in the
response header, and put on every log record written while the request or a task it
enqueued runs."""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Callable
from contextvars import ContextVar

from django.core.signals import request_finished
from django.http import HttpRequest, HttpResponse

HEADER = "X-Request-ID"
# Letters, digits and -_. only, at most 128: the id lands in log lines and in a response
# header, so nothing that could split a line, forge a field or bloat every record.
_SANE = re.compile(r"[A-Za-z0-9._-]{1,128}")

_current: ContextVar[str | None] = ContextVar("opiekun_request_id", default=None)


def current() -> str | None:
    return _current.get()


def use(value: str | None) -> None:
    """Sets the id of what this thread runs now (a request, or a task with its header)."""
    _current.set(value)


def new_id() -> str:
    return uuid.uuid4().hex


def accept(given: str | None) -> str:
    """The caller's id when it is sane, else a new one."""
    if given and _SANE.fullmatch(given):
        return given
    return new_id()


class RequestIdMiddleware:
    """Outermost, so every log line of the request (the other middleware's too) has it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = accept(request.headers.get(HEADER))
        # Not reset on the way out: Django logs a 4xx/5xx ("django.request") after the
        # middleware returns, and that line needs the id too. It is cleared when the
        # request finishes (clear(), on request_finished), and every request sets its own.
        _current.set(request_id)
        response = self.get_response(request)
        response[HEADER] = request_id
        return response


def clear(**_: object) -> None:
    """A gthread worker reuses its threads: what runs next must not inherit the id."""
    _current.set(None)


request_finished.connect(clear, dispatch_uid="opiekun-request-id-clear")


class RequestIdFilter(logging.Filter):
    """On the handler: every record, from any logger, gets ``request_id`` (None outside
    a request or a task), so both formats can name it."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = _current.get()
        return True
