"""The customers' portal (R-CH-4): my organisation's tickets, the HOT-01 form (R-CH-5),
answers, hour balances. Only a signed-in contact may use it; anyone else gets 404."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from opiekun.catalog.choices import Severity
from opiekun.contracts import banks
from opiekun.contracts.models import HourBank
from opiekun.core import bounds
from opiekun.core.forms import refuse
from opiekun.customers.models import Contact
from opiekun.portal.guards import contacts_only
from opiekun.tickets import access, actions, attachments
from opiekun.tickets.models import Ticket

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise  # django-stubs, a development dependency


def _balances(contact: Contact) -> list[HourBank]:
    mine = HourBank.objects.filter(contract__organisation=contact.organisation_id)
    found = banks.open_banks(mine.exclude(kind=HourBank.Kind.GUARANTEE))
    for bank in found:
        bank.runs_out_on = banks.run_out_forecast(bank)  # type: ignore[attr-defined]
    return found


@require_GET
@contacts_only
def home(request: HttpRequest, contact: Contact) -> HttpResponse:
    tickets = access.visible_tickets(request.user).order_by("-received_at")[:100]
    return render(
        request,
        "portal/home.html",
        {"contact": contact, "tickets": tickets, "banks": _balances(contact)},
    )


def _text(label: StrOrPromise, name: str | None = None, **kwargs: Any) -> forms.CharField:
    """A text field bounded as ``core.bounds`` bounds text: no control characters, at
    most the column's length, the error on the field in the reader's language."""
    limit = bounds.column_length(Ticket, name) if name else None
    return forms.CharField(
        label=label, max_length=limit, validators=[bounds.validate_text], **kwargs
    )


class Hot01Form(forms.Form):
    """Form HOT-01 (R-CH-5): the question and how the answer should come back."""

    subject = _text(gettext_lazy("Subject"), "subject")
    description = _text(gettext_lazy("Question"), widget=forms.Textarea)
    severity = forms.ChoiceField(
        label=gettext_lazy("Severity"), choices=Severity.choices, initial=Severity.NORMAL
    )
    form_date = forms.DateField(
        label=gettext_lazy("Date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        validators=[bounds.validate_day],
    )
    form_sign = _text(gettext_lazy("Your reference sign"), "form_sign", required=False)
    requester_name = _text(gettext_lazy("Full name"), "requester_name", required=False)
    office_name = _text(gettext_lazy("Office name"), "office_name", required=False)
    return_channel = forms.ChoiceField(
        label=gettext_lazy("Answer by"),
        choices=Ticket.ReturnChannel.choices,
        initial=Ticket.ReturnChannel.PORTAL,
    )
    return_address = _text(
        gettext_lazy("Return phone, fax or e-mail"), "return_address", required=False
    )
    attachment = forms.FileField(label=gettext_lazy("Attachment"), required=False)


@require_http_methods(["GET", "POST"])
@contacts_only
def new_ticket(request: HttpRequest, contact: Contact) -> HttpResponse:
    form = Hot01Form(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        hot01 = {k: data[k] for k in actions.HOT01_FIELDS if data.get(k) not in (None, "")}
        try:
            # One transaction: no ticket without the file the customer attached.
            with transaction.atomic():
                ticket = actions.open_ticket(
                    contact.organisation,
                    channel="portal",
                    subject=data["subject"],
                    description=data["description"],
                    severity=data["severity"],
                    contact=contact,
                    form=hot01,
                    actor=request.user,
                )
                upload = data.get("attachment")
                if upload is not None:
                    attachments.store(ticket, upload.name, upload.read(), actor=request.user)
        except (actions.IntakeError, attachments.AttachmentError) as exc:
            refuse(form, exc)
        else:
            messages.success(
                request, _("Your question was registered as %(ref)s.") % {"ref": ticket.reference}
            )
            return redirect("portal:ticket", ticket_id=ticket.pk)
    return render(request, "portal/new_ticket.html", {"form": form})
