"""A contact's own API tokens in the portal (gap 1; the shared page is in core)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_http_methods, require_POST

from opiekun.core import token_pages
from opiekun.customers.models import Contact
from opiekun.portal.guards import contacts_only


@require_http_methods(["GET", "POST"])
@contacts_only
def tokens(request: HttpRequest, contact: Contact) -> HttpResponse:
    return token_pages.page(request, "portal/api_tokens.html", "portal:api-token-revoke")


@require_POST
@contacts_only
def revoke(request: HttpRequest, contact: Contact, token_id: int) -> HttpResponse:
    return token_pages.revoke(request, token_id, "portal:api-tokens")
