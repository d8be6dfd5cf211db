"""Canned responses (a vendor's, managed by support managers) and saved queue views (an
agent's own). Each change is one transaction and an audit event."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from opiekun.catalog.models import Vendor
from opiekun.core import audit, bounds
from opiekun.core.audit import Actor
from opiekun.staff.models import StaffMember
from opiekun.tickets import canned
from opiekun.tickets.actions.base import IntakeError
from opiekun.tickets.models import CannedResponse, SavedView

# The queue filters a saved view may hold (the console's and the API's names).
VIEW_FILTERS = ("view", "status", "channel", "severity", "organisation_id", "tag", "q")


def _text(model: type[CannedResponse | SavedView], field: str, value: str) -> str:
    limit = bounds.column_length(model, field)
    value = bounds.text(field, value.strip(), max_length=limit, error=IntakeError)
    if not value:
        raise IntakeError(f"{field}: " + _("this field is required"))
    return value


def _checked_response(title: str, body_pl: str, body_en: str) -> dict[str, str]:
    fields = {"title": title, "body_pl": body_pl, "body_en": body_en}
    checked = {k: _text(CannedResponse, k, v) for k, v in fields.items()}
    for field in ("body_pl", "body_en"):
        try:
            canned.check(field, checked[field])
        except canned.TemplateError as error:
            raise IntakeError(str(error)) from error
    return checked


def save_response(
    response: CannedResponse | None,
    *,
    vendor: Vendor | None,
    title: str,
    body_pl: str,
    body_en: str,
    actor: Actor = None,
) -> CannedResponse:
    """Creates a canned response (``response`` None) or changes one."""
    checked = _checked_response(title, body_pl, body_en)
    with transaction.atomic():
        if response is None:
            response = CannedResponse(vendor=vendor, **checked)
            kind = "canned_response.created"
        else:
            response = CannedResponse.objects.select_for_update().get(pk=response.pk)
            response.vendor = vendor
            for field, value in checked.items():
                setattr(response, field, value)
            kind = "canned_response.changed"
        response.save()
        audit.record(
            kind, response, actor=actor, title=response.title, vendor=vendor and vendor.code
        )
    return response


def delete_response(response: CannedResponse, *, actor: Actor = None) -> None:
    with transaction.atomic():
        audit.record("canned_response.deleted", response, actor=actor, title=response.title)
        response.delete()


def save_view(
    owner: StaffMember, name: str, filters: dict[str, Any], *, actor: Actor = None
) -> SavedView:
    """Saves the queue's current filters under a name; the same name again replaces them."""
    name = _text(SavedView, "name", name)
    kept = {k: str(v) for k, v in filters.items() if k in VIEW_FILTERS and v not in (None, "")}
    for key, value in kept.items():
        bounds.text(key, value, max_length=200, error=IntakeError)
    with transaction.atomic():
        view, created = SavedView.objects.select_for_update().get_or_create(
            owner=owner, name=name, defaults={"filters": kept}
        )
        if not created:
            view.filters = kept
            view.save()
        audit.record("saved_view.saved", view, actor=actor, name=name, filters=kept)
    return view


def delete_view(view: SavedView, *, actor: Actor = None) -> None:
    with transaction.atomic():
        audit.record("saved_view.deleted", view, actor=actor, name=view.name)
        view.delete()
