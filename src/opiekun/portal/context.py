"""What the portal's navigation needs on every page."""

from __future__ import annotations

from django.http import HttpRequest

from opiekun.knowledge.access import forum_vendors


def navigation(request: HttpRequest) -> dict[str, object]:
    # A callable: the template asks only on portal pages, so other pages pay nothing.
    return {"portal_has_forum": lambda: forum_vendors(request.user).exists()}
