"""The ticket page's assignment box (issue 15): assign to a colleague, take it ("mine"),
unassign; and ending a running call. One view per action. With htmx the box answers
itself, errors next to their field; without, the page again with a message."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from opiekun.console.fielderrors import place_error
from opiekun.console.guards import staff_only
from opiekun.staff.models import StaffMember
from opiekun.tickets import access, actions
from opiekun.tickets.models import Ticket


class AssignForm(forms.Form):
    assignee_id = forms.ModelChoiceField(
        label=gettext_lazy("Assign to"),
        queryset=StaffMember.objects.filter(is_active=True).select_related("user"),
        error_messages={"invalid_choice": gettext_lazy("Choose an active staff member.")},
    )


def box_context(request: HttpRequest, ticket: Ticket, form: AssignForm | None = None) -> dict:
    return {
        "ticket": ticket,
        "assign_form": form
        or AssignForm(initial={"assignee_id": ticket.assignee_id}, auto_id="assign-%s"),
        "me": request.user.staff_member,  # type: ignore[union-attr]
    }


def _answer(request: HttpRequest, ticket: Ticket, done: str, form: AssignForm | None = None):
    if request.headers.get("HX-Request"):
        ticket = Ticket.objects.select_related("assignee__user").get(pk=ticket.pk)
        context = box_context(request, ticket, form)
        context["done"] = "" if form is not None and form.errors else done
        return render(request, "console/_assignment.html", context)
    if form is not None and form.errors:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
    else:
        messages.success(request, done)
    return redirect("console:ticket", ticket_id=ticket.pk)


@require_POST
@staff_only
def assign(request: HttpRequest, ticket_id: int) -> HttpResponse:
    found = access.ticket_for(request.user, ticket_id)
    form = AssignForm(request.POST, auto_id="assign-%s")
    if form.is_valid():
        try:
            found = actions.assign(found, form.cleaned_data["assignee_id"], actor=request.user)
        except actions.IntakeError as exc:
            place_error(form, str(exc))
    return _answer(request, found, _("The ticket was assigned."), form)


@require_POST
@staff_only
def take(request: HttpRequest, ticket_id: int) -> HttpResponse:
    found = access.ticket_for(request.user, ticket_id)
    staff = request.user.staff_member  # type: ignore[union-attr]
    found = actions.take(found, staff=staff, actor=request.user)
    return _answer(request, found, _("The ticket is yours."))


@require_POST
@staff_only
def unassign(request: HttpRequest, ticket_id: int) -> HttpResponse:
    found = access.ticket_for(request.user, ticket_id)
    found = actions.unassign(found, actor=request.user)
    return _answer(request, found, _("The ticket is nobody's now."))
