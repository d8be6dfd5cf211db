"""The portal is for signed-in contacts only; anyone else gets 404."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse

from opiekun.customers.access import contact_of

View = Callable[..., HttpResponse]


def contacts_only(view: View) -> View:
    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        contact = contact_of(request.user)
        if contact is None:
            raise Http404("No such page")
        return view(request, contact, *args, **kwargs)

    return wrapped
