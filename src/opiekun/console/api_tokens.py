"""A staff member's own API tokens in the console (gap 1; the shared page is in core)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_http_methods, require_POST

from opiekun.console.guards import staff_only
from opiekun.core import token_pages


@require_http_methods(["GET", "POST"])
@staff_only
def tokens(request: HttpRequest) -> HttpResponse:
    return token_pages.page(request, "console/api_tokens.html", "console:api-token-revoke")


@require_POST
@staff_only
def revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    return token_pages.revoke(request, token_id, "console:api-tokens")
