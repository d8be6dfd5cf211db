"""Opening tickets in the console (issue 15): the plain "new ticket" page, from the
customer card (organisation chosen), and from the caller box (a phone ticket for the
recognised caller, its call running until the agent ends it). Always through the
intake action the API uses (``tickets.actions.open_ticket``): deadlines, scope, channel
notes and package rules are the same wherever a ticket comes from."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from opiekun.catalog.choices import Channel, Severity
from opiekun.console.fielderrors import place_error
from opiekun.console.guards import staff_only
from opiekun.console.ticket_actions import REFUSALS
from opiekun.console.views import _card
from opiekun.core import bounds
from opiekun.customers.access import organisation_for, visible_organisations
from opiekun.customers.models import Contact, Organisation
from opiekun.tickets import access, actions, attachments
from opiekun.tickets.models import Ticket

PICKER_SIZE = 20
# What a refusal of the intake names, and the form field that shows it.
FIELDS = {"description": "body", "file": "attachments", "call": "channel"}


class MultipleFiles(forms.ClearableFileInput):
    allow_multiple_selected = True


class AttachmentsField(forms.FileField):
    widget = MultipleFiles

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        files = data if isinstance(data, list | tuple) else [data] if data else []
        cleaned = []
        for upload in files:
            cleaned.append(super().clean(upload, initial))
        return cleaned


class TicketForm(forms.Form):
    """A ticket for one organisation: its contact, the channel, the question."""

    contact = forms.ModelChoiceField(
        label=gettext_lazy("Contact"), queryset=Contact.objects.none(), required=False
    )
    channel = forms.ChoiceField(label=gettext_lazy("Channel"), choices=Channel.choices)
    severity = forms.ChoiceField(
        label=gettext_lazy("Severity"), choices=Severity.choices, initial=Severity.NORMAL
    )
    subject = forms.CharField(
        label=gettext_lazy("Subject"), max_length=bounds.column_length(Ticket, "subject")
    )
    body = forms.CharField(
        label=gettext_lazy("Question"), widget=forms.Textarea, required=False, max_length=100_000
    )
    attachments = AttachmentsField(label=gettext_lazy("Attachments"), required=False)
    call_running = forms.BooleanField(
        label=gettext_lazy("The call is under way: log its time when it ends"),
        required=False,
        initial=True,
    )

    def __init__(self, organisation: Organisation, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        self.fields["contact"].queryset = organisation.contacts.filter(  # type: ignore[attr-defined]
            is_active=True
        ).order_by("full_name")


def _open(request: HttpRequest, organisation: Organisation, form: TicketForm) -> Ticket | None:
    """Opens the ticket of a valid form: the ticket, its files and a running call are
    one transaction. A refusal is placed next to the field it names; nothing is kept."""
    if not form.is_valid():
        return None
    data = form.cleaned_data
    staff = request.user.staff_member  # type: ignore[union-attr]
    try:
        with transaction.atomic():
            ticket = actions.open_ticket(
                organisation,
                channel=data.get("channel", Channel.PHONE),
                severity=data["severity"],
                subject=data["subject"],
                description=data["body"],
                contact=data["contact"],
                actor=request.user,
            )
            for upload in data.get("attachments", []):
                attachments.store(ticket, upload.name, upload.read(), actor=request.user)
            if data.get("call_running", True) and ticket.channel in (Channel.PHONE, Channel.MOBILE):
                ticket = actions.start_call(ticket, staff=staff, actor=request.user)
    except REFUSALS as exc:
        place_error(form, str(exc), FIELDS)
        return None
    return ticket


def _opened(request: HttpRequest, ticket: Ticket) -> HttpResponse:
    opened = _("Ticket %(reference)s was opened.") % {"reference": ticket.reference}
    messages.success(request, opened)
    return redirect("console:ticket", ticket_id=ticket.pk)


def matching_organisations(request: HttpRequest, text: str) -> list[Organisation]:
    """Customers the user may see whose name, short name or tax id contain ``text``: a
    picker that stays short however many customers there are."""
    text = text.strip()[:100]
    if not text:
        return []
    found = (
        visible_organisations(request.user)
        .filter(is_active=True)
        .filter(Q(name__icontains=text) | Q(short_name__icontains=text) | Q(tax_id__icontains=text))
    )
    return list(found.order_by("name")[:PICKER_SIZE])


@require_GET
@staff_only
def organisation_picker(request: HttpRequest) -> HttpResponse:
    """The organisations matching what is typed (htmx)."""
    return render(
        request,
        "console/_organisation_picker.html",
        {
            "found": matching_organisations(request, request.GET.get("q", "")),
            "q": request.GET.get("q", ""),
        },
    )


def _organisation_param(request: HttpRequest, value: str) -> Organisation | None:
    return organisation_for(request.user, int(value)) if value.isdigit() else None


@require_GET
@staff_only
def new_ticket(request: HttpRequest) -> HttpResponse:
    """Step one picks the organisation (search); step two is the ticket form."""
    organisation = _organisation_param(request, request.GET.get("organisation", ""))
    q = request.GET.get("q", "")
    form = None
    if organisation is not None:
        form = TicketForm(organisation, initial={"channel": Channel.PHONE})
    return render(
        request,
        "console/new_ticket.html",
        {
            "organisation": organisation,
            "form": form,
            "q": q,
            "found": matching_organisations(request, q),
        },
    )


@require_POST
@staff_only
def open_new_ticket(request: HttpRequest) -> HttpResponse:
    organisation = _organisation_param(request, request.POST.get("organisation", ""))
    if organisation is None:
        return render(
            request,
            "console/new_ticket.html",
            {"organisation": None, "form": None, "q": "", "found": [], "pick_first": True},
            status=400,
        )
    form = TicketForm(organisation, request.POST, request.FILES)
    ticket = _open(request, organisation, form)
    if ticket is not None:
        return _opened(request, ticket)
    return render(
        request,
        "console/new_ticket.html",
        {"organisation": organisation, "form": form, "q": "", "found": []},
        status=400,
    )


class CallerTicketForm(TicketForm):
    """From the caller box: a phone ticket, its call running from now."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("channel", "call_running", "attachments"):
            del self.fields[name]


@require_POST
@staff_only
def caller_ticket(request: HttpRequest) -> HttpResponse:
    """A phone ticket for the caller the box recognised (R-PPL-3), with the call running:
    its time is logged as phone work when the agent ends the call."""
    text = request.POST.get("contact", "")
    posted = int(text) if text.isdigit() else 0  # no row has id 0
    contact = Contact.objects.filter(pk=posted, is_active=True).first()
    if contact is None:
        return redirect("console:caller")  # the caller is not (or no longer) known
    form = CallerTicketForm(contact.organisation, request.POST)
    ticket = _open(request, contact.organisation, form)
    if ticket is not None:
        return _opened(request, ticket)
    context: dict[str, object] = {
        "number": request.POST.get("number", "")[:40],
        "phone": contact.phones.first(),
        "caller_form": form,
    }
    context.update(_card(contact.organisation))
    return render(request, "console/caller.html", context, status=400)


@require_POST
@staff_only
def end_call(request: HttpRequest, ticket_id: int) -> HttpResponse:
    """The call ended: its length is logged as phone work, billed by the plan."""
    found = access.ticket_for(request.user, ticket_id)
    try:
        work = actions.end_call(found, note=request.POST.get("note", ""), actor=request.user)
    except REFUSALS as exc:
        messages.error(request, str(exc).partition(": ")[2] or str(exc))
    else:
        messages.success(
            request,
            _("The call ended: %(raw)s min logged, billable %(billable)s min.")
            % {"raw": work.raw_minutes, "billable": work.billable_minutes},
        )
    return redirect("console:ticket", ticket_id=found.pk)
