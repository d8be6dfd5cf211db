"""SLA penalties in the console (issue 21, item 2): a contract's penalty terms on its
contract desk page, and force majeure on a ticket page. Support managers act; agents see
the terms and the note; anyone else gets 404."""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from opiekun.console import typed
from opiekun.console.guards import staff_only
from opiekun.contracts import penalties
from opiekun.contracts.access import contract_for
from opiekun.staff.access import manager_for
from opiekun.tickets import access, actions


@require_POST
@staff_only
def contract_terms(request: HttpRequest, contract_id: int) -> HttpResponse:
    manager_for(request.user)
    found = contract_for(request.user, contract_id)
    try:
        if request.POST.get("basis", "") == "plan":
            penalties.clear_terms(contract=found, actor=request.user)
            messages.success(request, _("The plan's penalty terms apply to this contract."))
        else:
            amount = typed.number(request, "amount", Decimal, penalties.PenaltyError)
            cap = typed.number(request, "monthly_cap", Decimal, penalties.PenaltyError)
            penalties.set_terms(
                contract=found,
                basis=request.POST.get("basis", "")[:20],
                amount=None if amount is None else Decimal(amount),
                monthly_cap=None if cap is None else Decimal(cap),
                actor=request.user,
            )
            messages.success(request, _("The penalty terms were saved."))
    except penalties.PenaltyError as exc:
        messages.error(request, str(exc))
    return redirect("console:contract", contract_id=found.pk)


@require_POST
@staff_only
def force_majeure(request: HttpRequest, ticket_id: int) -> HttpResponse:
    manager = manager_for(request.user)
    found = access.ticket_for(request.user, ticket_id)
    if request.POST.get("withdraw") == "yes":
        actions.withdraw_force_majeure(found, actor=request.user)
        messages.success(request, _("The note of force majeure was withdrawn."))
    else:
        try:
            actions.note_force_majeure(
                found,
                reason=request.POST.get("reason", "")[:300],
                staff=manager,
                actor=request.user,
            )
            messages.success(request, _("Force majeure was noted: no penalty for this ticket."))
        except actions.IntakeError as exc:
            messages.error(request, str(exc))
    return redirect("console:ticket", ticket_id=found.pk)
