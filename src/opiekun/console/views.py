"""The agents' console: the queue, the live billing preview of work, the customer card and
the caller box (the ticket page is ticket_page and ticket_actions).
Every view is for active staff only; anyone else gets 404 (not a hint that it exists)."""

from __future__ import annotations

import contextlib
import uuid

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from opiekun.catalog.calendars import upcoming_holidays
from opiekun.catalog.models import Plan
from opiekun.console.guards import staff_only
from opiekun.contracts import actions as contract_actions
from opiekun.contracts import banks, selling
from opiekun.contracts import queries as contract_queries
from opiekun.contracts.models import HourRequest
from opiekun.contracts.tariffs import out_of_hours, tariff_for
from opiekun.core import bounds
from opiekun.customers.access import may_manage_contacts, organisation_for
from opiekun.customers.forms import InviteForm
from opiekun.customers.models import ContactPhone, Organisation
from opiekun.customers.validators import normalise_phone
from opiekun.tariff import BillingError, bill
from opiekun.tickets import access, intake, notes, sla


def _minutes(text: str) -> int:
    try:
        minutes = int(text)
    except ValueError:
        raise BillingError("minutes: a whole number of minutes") from None
    return bounds.work_minutes("minutes", minutes, error=BillingError)


@require_GET
@staff_only
def work_preview(request: HttpRequest, ticket_id: int) -> HttpResponse:
    """What logging this work would bill, before it is saved (htmx)."""
    found = access.ticket_for(request.user, ticket_id)
    lines: list[str] = []
    error = ""
    try:
        if found.contract is None:
            raise BillingError("ticket: no contract in force, so no billing rules apply")
        plan = found.contract.plan
        billing = bill(
            tariff_for(plan),
            request.GET.get("kind", ""),
            _minutes(request.GET.get("minutes", "")),
            out_of_hours=out_of_hours(plan, timezone.now()),
            emergency=request.GET.get("emergency") == "on",
        )
        lines = notes.lines_for_reader(list(billing.explanation))
        # As log_work would: the designated contacts' work only (R-PPL-2), from the banks
        # in the order draw takes them (nothing is written here).
        if billing.draws_on_package and not plan.unlimited_support:
            left = billing.billable_minutes
            designated = intake.may_draw_on_package(plan, found.contact)
            if not designated:
                lines.append(_("Not from a designated contact: the banks are not used."))
            for bank in banks.drawable(found.contract, timezone.now()) if designated else []:
                available = banks.balance(bank)
                taken = min(left, available)
                if taken > 0:
                    lines.append(
                        _("%(taken)s min from the %(bank)s, %(rest)s left.")
                        % {
                            "taken": taken,
                            "bank": banks.bank_label(bank, for_screen=True),
                            "rest": sla.hours(available - taken),
                        }
                    )
                    left -= taken
            if left > 0:
                lines.append(
                    _("%(left)s min beyond the banks, at the hourly rate.") % {"left": left}
                )
    except BillingError as exc:
        error = str(exc)
    return render(request, "console/work_preview.html", {"lines": lines, "error": error})


@require_GET
@staff_only
def customer(request: HttpRequest, organisation_id: int) -> HttpResponse:
    """The customer card: plan, contract dates and notice, banks, account manager, known
    numbers, recent tickets."""
    organisation = organisation_for(request.user, organisation_id)
    licensed = (
        organisation.contracts.filter(plan__eligibility_months__isnull=False)
        .select_related("plan")
        .prefetch_related("licence_events__recorded_by")
        .order_by("-starts_on", "-pk")
    )
    for contract in licensed:
        contract.free_support_until = contract_queries.free_support_until(contract)  # type: ignore[attr-defined]
    return render(
        request,
        "console/customer.html",
        {
            **_card(organisation),
            "licensed": licensed,
            "today": timezone.localdate(),
            "package_plans": selling.package_plans(),
            "hour_requests": HourRequest.objects.filter(
                organisation=organisation, status=HourRequest.Status.OPEN
            ).select_related("contact", "plan"),
            "all_plans": Plan.objects.order_by("vendor__name", "code"),
            # A one-time key: a double click or a resent form sells once.
            "sale_key": uuid.uuid4().hex,
            **(
                {"invite_form": InviteForm()}
                if may_manage_contacts(request.user, organisation)
                else {}
            ),
        },
    )


def _card(organisation: Organisation) -> dict[str, object]:
    contract = contract_queries.contract_in_force(organisation, timezone.localdate())
    contacts = organisation.contacts.filter(is_active=True).prefetch_related("phones", "emails")
    return {
        "organisation": organisation,
        "contract": contract,
        "earliest_end": contract_actions.minimum_end(contract) if contract else None,
        "banks": banks.open_banks(contract.banks.all()) if contract else [],
        "contacts": contacts,
        "tickets": organisation.tickets.order_by("-received_at")[:10],
        # Named in the reader's language: the customer's days off, which the clock skips.
        "holidays": upcoming_holidays(contract.plan.calendar) if contract else [],
    }


@require_GET
@staff_only
def caller(request: HttpRequest) -> HttpResponse:
    """Caller ID (R-PPL-3): the card of whoever calls from a number, or that the number
    is not registered (then the account manager need not take the call)."""
    number = request.GET.get("number", "").strip()[:40]
    phone = None
    e164 = ""
    with contextlib.suppress(ValidationError):  # unparsable: simply not a known caller
        e164 = normalise_phone(number) if number else ""
    if e164:
        number = e164
        phone = (
            ContactPhone.objects.filter(number=e164, contact__is_active=True)
            .select_related("contact__organisation")
            .first()
        )
    context: dict[str, object] = {"number": number, "phone": phone}
    if phone is not None:
        context.update(_card(phone.contact.organisation))
    return render(request, "console/caller.html", context)
