"""The portal is for signed-in contacts only; anyone else gets 404."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest
from django.http.response import HttpResponseBase

from opiekun.customers.access import contact_of

View = Callable[..., HttpResponseBase]


def contacts_only(view: View) -> View:
    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        contact = contact_of(request.user)
        if contact is None:
            raise Http404("No such page")
        return view(request, contact, *args, **kwargs)

    return wrapped
