"""A customer asks for hours on the portal; a manager accepts (the package is sold, with
its price from the plan, and the waiting tickets are released, R-HRS-3) or declines with
a reason (issue 17, item 2). Each step is one transaction under the request's lock."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from opiekun.catalog.models import Plan
from opiekun.contracts import selling
from opiekun.contracts.models import HourRequest
from opiekun.core import audit, bounds
from opiekun.core.audit import Actor
from opiekun.customers.models import Contact


class RequestError(ValueError):
    """The step cannot be taken; the message starts with the field's name."""


def ask(contact: Contact, plan: Plan, *, minutes: int | None = None, note: str = "") -> HourRequest:
    if plan.package_validity_months is None:
        raise RequestError("plan: " + _("%(plan)s sells no hour packages") % {"plan": plan.code})
    minutes = plan.included_minutes if minutes is None else minutes
    if not 1 <= minutes <= selling.MAX_PACKAGE_MINUTES:
        raise RequestError(
            "minutes: " + _("must be from 1 to %(max)s") % {"max": selling.MAX_PACKAGE_MINUTES}
        )
    note = bounds.text("note", note.strip(), max_length=500, error=RequestError)
    with transaction.atomic():
        request = HourRequest.objects.create(
            organisation_id=contact.organisation_id,
            contact=contact,
            plan=plan,
            minutes=minutes,
            note=note,
        )
        audit.record(
            "hours.requested",
            request,
            actor=contact.user,
            organisation=contact.organisation,
            plan=plan.code,
            minutes=minutes,
        )
    return request


def _open(request: HourRequest) -> HourRequest:
    locked = HourRequest.objects.select_for_update().get(pk=request.pk)
    if locked.status != HourRequest.Status.OPEN:
        raise RequestError("status: " + _("this request was answered already"))
    return locked


def accept(request: HourRequest, *, actor: Actor = None) -> HourRequest:
    with transaction.atomic():
        request = _open(request)
        try:
            bank = selling.sell_package(
                request.organisation,
                request.plan,
                minutes=request.minutes,
                sale_key=f"hour-request-{request.pk}",
                actor=actor,
            )
        except selling.SaleError as exc:
            raise RequestError(str(exc)) from None
        request.status, request.bank = HourRequest.Status.ACCEPTED, bank
        request.save(update_fields=["status", "bank", "updated_at"])
        audit.record(
            "hours.request_accepted", request, actor=actor, organisation=request.organisation
        )
    return request


def decline(request: HourRequest, *, reason: str, actor: Actor = None) -> HourRequest:
    reason = bounds.text("reason", reason.strip(), max_length=500, error=RequestError)
    if not reason:
        raise RequestError("reason: " + _("say why the request is declined"))
    with transaction.atomic():
        request = _open(request)
        request.status, request.reason = HourRequest.Status.DECLINED, reason
        request.save(update_fields=["status", "reason", "updated_at"])
        audit.record(
            "hours.request_declined",
            request,
            actor=actor,
            organisation=request.organisation,
            reason=reason,
        )
    return request
