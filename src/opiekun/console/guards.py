"""The console is for active staff only; anyone else gets 404 (not a hint that it exists)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponseBase

from opiekun.core.access import is_staff_member

# HttpResponseBase: a file preview streams (FileResponse), the pages do not.
View = Callable[..., HttpResponseBase]


def staff_only(view: View) -> View:
    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not is_staff_member(request.user):
            raise Http404("No such page")
        return view(request, *args, **kwargs)

    return wrapped
