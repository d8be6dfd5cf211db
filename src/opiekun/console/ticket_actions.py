"""One view per action of the console's ticket page, each with its own URL and form.

A view only parses and calls the action; ``perform`` does the rest for all of them: the
permission check (404 for anyone who may not see the ticket), the refusal put on the
field it names in the reader's language, the page shown again with the typed text kept
(status 400), or the success message and the redirect back to the ticket."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from opiekun.console.guards import staff_only
from opiekun.console.refusals import refuse
from opiekun.console.ticket_forms import (
    AnswerForm,
    NoteForm,
    PromiseForm,
    ScopeForm,
    StatusForm,
    TicketForm,
    WorkForm,
)
from opiekun.console.ticket_page import render_page
from opiekun.contracts.banks import BankError
from opiekun.core.forms import uploads
from opiekun.mail import actions as mail_actions
from opiekun.mail.actions import MailError
from opiekun.tariff import BillingError
from opiekun.tickets import access, actions
from opiekun.tickets.attachments import AttachmentError
from opiekun.tickets.models import Ticket

REFUSALS = (actions.IntakeError, BillingError, AttachmentError, BankError, MailError)

# An action's field name, where the form calls it otherwise.
ALIASES = {"file": "attachments", "raw_minutes": "minutes"}

Data = dict[str, Any]
Run = Callable[[Ticket, Data, HttpRequest], str]


def perform(
    request: HttpRequest, ticket_id: int, form_class: type[TicketForm], run: Run
) -> HttpResponse:
    """Runs one action from its posted form; ``run`` returns the success message."""
    found = access.ticket_for(request.user, ticket_id)
    form = form_class(request.POST, request.FILES, ticket=found)
    if form.is_valid():
        try:
            done = run(found, form.cleaned_data, request)
        except REFUSALS as exc:
            refuse(form, exc, ALIASES)
        else:
            messages.success(request, done)
            return redirect("console:ticket", ticket_id=found.pk)
    return render_page(request, found, (form,), status=400)


def _staff(request: HttpRequest) -> Any:
    return request.user.staff_member  # type: ignore[union-attr]


@require_POST
@staff_only
def answer(request: HttpRequest, ticket_id: int) -> HttpResponse:
    def run(ticket: Ticket, data: Data, request: HttpRequest) -> str:
        actions.answer(
            ticket,
            staff=_staff(request),
            body=data["body"],
            documentation_ref=data["documentation_ref"],
            files=uploads(data["attachments"]),
            actor=request.user,
        )
        return _("The answer was saved.")

    return perform(request, ticket_id, AnswerForm, run)


@require_POST
@staff_only
def note(request: HttpRequest, ticket_id: int) -> HttpResponse:
    def run(ticket: Ticket, data: Data, request: HttpRequest) -> str:
        actions.add_note(
            ticket,
            staff=_staff(request),
            body=data["body"],
            files=uploads(data["attachments"]),
            actor=request.user,
        )
        return _("The note was saved.")

    return perform(request, ticket_id, NoteForm, run)


@require_POST
@staff_only
def work(request: HttpRequest, ticket_id: int) -> HttpResponse:
    def run(ticket: Ticket, data: Data, request: HttpRequest) -> str:
        logged = actions.log_work(
            ticket,
            staff=_staff(request),
            kind=data["kind"],
            raw_minutes=data["minutes"],
            emergency=data["emergency"],
            note=data["note"],
            actor=request.user,
        )
        return _("Logged: %(raw)s min, billable %(billable)s min.") % {
            "raw": logged.raw_minutes,
            "billable": logged.billable_minutes,
        }

    return perform(request, ticket_id, WorkForm, run)


@require_POST
@staff_only
def scope(request: HttpRequest, ticket_id: int) -> HttpResponse:
    def run(ticket: Ticket, data: Data, request: HttpRequest) -> str:
        actions.classify_scope(ticket, data["item"], note=data["note"], actor=request.user)
        return _("The scope was recorded.")

    return perform(request, ticket_id, ScopeForm, run)


@require_POST
@staff_only
def promise(request: HttpRequest, ticket_id: int) -> HttpResponse:
    def run(ticket: Ticket, data: Data, request: HttpRequest) -> str:
        actions.promise_answer(ticket, data["answer_by"], actor=request.user)
        return _("The promised answer time is recorded and tracked like a deadline.")

    return perform(request, ticket_id, PromiseForm, run)


def _status_view(change: Callable[..., Ticket], done: Callable[[], str]) -> Callable[..., Any]:
    """A status button: an empty form, the action, its message."""

    @require_POST
    @staff_only
    def view(request: HttpRequest, ticket_id: int) -> HttpResponse:
        def run(ticket: Ticket, data: Data, request: HttpRequest) -> str:
            change(ticket, actor=request.user)
            return done()

        return perform(request, ticket_id, StatusForm, run)

    view.__name__ = view.__qualname__ = change.__name__
    return view


start = _status_view(actions.start_work, lambda: _("Work on the ticket has started."))
acknowledge = _status_view(
    actions.acknowledge_receipt, lambda: _("The receipt is confirmed to the customer.")
)
wait = _status_view(
    actions.wait_for_customer, lambda: _("The ticket waits for the customer; the clock is paused.")
)
resume = _status_view(actions.customer_replied, lambda: _("The clock runs again."))
resolve = _status_view(actions.resolve, lambda: _("The ticket is resolved."))
close = _status_view(actions.close, lambda: _("The ticket is closed."))
reopen = _status_view(actions.reopen, lambda: _("The ticket is open again."))


@require_POST
@staff_only
def resend(request: HttpRequest, ticket_id: int, message_id: int) -> HttpResponse:
    """Sends a failed e-mail of this ticket again (the mail app's resend action)."""

    def run(ticket: Ticket, data: Data, request: HttpRequest) -> str:
        message = ticket.messages.filter(pk=message_id).first()
        if message is None:
            raise Http404("No such message")
        mail_actions.resend(message, actor=request.user)
        return _("The e-mail is queued to be sent again.")

    return perform(request, ticket_id, StatusForm, run)
