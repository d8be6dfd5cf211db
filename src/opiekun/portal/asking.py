"""Asking a question on the portal (issue 16): the form the plan asks for (HOT-01 where
``Plan.requires_form``, R-CH-5; elsewhere a plain one), the plan's own words for severity
(R-SLA-4), and, before sending, what the customer will get: the reaction deadline the
question would have now, or why none and which channel would give one."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.contrib import messages
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from opiekun.catalog.choices import Channel, Severity
from opiekun.catalog.models import Plan, Product
from opiekun.contracts import queries as contract_queries
from opiekun.core import bounds
from opiekun.core.forms import refuse
from opiekun.customers.models import Contact
from opiekun.mail.addresses import support_address
from opiekun.portal.guards import contacts_only
from opiekun.portal.wording import holidays_rule, short_hours, working_amount
from opiekun.tickets import actions, attachments, notes
from opiekun.tickets.models import Ticket
from opiekun.tickets.promise import Offer, promise

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise  # django-stubs, a development dependency

MAX_FILES = 10


def _text(label: StrOrPromise, name: str | None = None, **kwargs: Any) -> forms.CharField:
    """A text field bounded as ``core.bounds`` bounds text: no control characters, at
    most the column's length, the error on the field in the reader's language."""
    limit = bounds.column_length(Ticket, name) if name else None
    return forms.CharField(
        label=label, max_length=limit, validators=[bounds.validate_text], **kwargs
    )


class _ManyFiles(forms.ClearableFileInput):
    allow_multiple_selected = True


class FilesField(forms.FileField):
    """Several files in one input (Django's documented pattern); at most ``MAX_FILES``."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("widget", _ManyFiles())
        super().__init__(**kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        given = data if isinstance(data, list | tuple) else [data]
        files = [super(FilesField, self).clean(one, initial) for one in given if one]
        if len(files) > MAX_FILES:
            raise forms.ValidationError(
                _("At most %(count)d files at once.") % {"count": MAX_FILES}
            )
        return [f for f in files if f]


def severity_choices(plan: Plan | None) -> list[tuple[str, str]]:
    """The severities, each in the plan's own words where it has them."""
    words = {w.severity: w.text() for w in plan.severity_wordings.all()} if plan else {}
    return [(value, words.get(value) or str(label)) for value, label in Severity.choices]


class QuestionForm(forms.Form):
    """The plain question: subject, description, product, severity, attachments."""

    subject = _text(gettext_lazy("Subject"), "subject")
    description = _text(gettext_lazy("Description"), widget=forms.Textarea)
    product = forms.ModelChoiceField(
        label=gettext_lazy("Product"), queryset=Product.objects.none(), required=False
    )
    severity = forms.ChoiceField(label=gettext_lazy("Severity"), initial=Severity.NORMAL)
    attachment = FilesField(label=gettext_lazy("Attachments"), required=False)

    def __init__(self, plan: Plan | None, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.plan = plan
        cast(forms.ChoiceField, self.fields["severity"]).choices = severity_choices(plan)
        product = cast(forms.ModelChoiceField, self.fields["product"])
        product.queryset = plan.products.order_by("name") if plan else Product.objects.none()
        if plan is None or not plan.products.exists():
            del self.fields["product"]
        # Recomputed as the customer changes what decides the deadline.
        for name in ("severity", "product"):
            if name in self.fields:
                self.fields[name].widget.attrs.update(
                    {
                        "hx-get": reverse("portal:promise"),
                        "hx-trigger": "change",
                        "hx-target": "#promise",
                        "hx-include": "#id_severity, #id_product",
                    }
                )


class Hot01Form(QuestionForm):
    """Form HOT-01 (R-CH-5): the question and how the answer should come back."""

    description = _text(gettext_lazy("Question"), widget=forms.Textarea)
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
    field_order = [
        "form_date",
        "form_sign",
        "requester_name",
        "office_name",
        "subject",
        "description",
        "product",
        "severity",
        "return_channel",
        "return_address",
        "attachment",
    ]


def _plan(contact: Contact) -> Plan | None:
    contract = contract_queries.contract_in_force(contact.organisation, timezone.localdate())
    return contract.plan if contract else None


def _offer(offer: Offer) -> dict[str, object]:
    return {
        "channel": offer.channel,
        "label": Channel(offer.channel).label,
        "due_at": offer.due_at,
        "amount": working_amount(offer.target_minutes),
        "hours": short_hours(offer.calendar),
        "holidays": holidays_rule(offer.calendar),
    }


def promise_context(
    contact: Contact, plan: Plan | None, severity: str, product: Product | None
) -> dict[str, object]:
    found = promise(contact.organisation, severity=severity, product=product)
    opened = list(plan.channels.order_by("channel")) if plan else []
    return {
        "promise": found,
        "offer": _offer(found.offer) if found.offer else None,
        "reason": notes.for_reader(found.reason),
        "alternatives": [_offer(o) for o in found.channels],
        "opened": [
            {"channel": c.channel, "label": c.get_channel_display(), "restriction": c.restriction}
            for c in opened
        ],
        "mailbox": support_address(plan) if plan else "",
        "phone": plan.vendor.phone if plan else "",
    }


def _chosen(plan: Plan | None, data: Any) -> tuple[str, Product | None]:
    severity = str(data.get("severity", ""))[:10]
    product = None
    wanted = str(data.get("product", ""))[:12]
    if plan is not None and wanted.isdigit():
        # Only the plan's own products: a guessed id of another vendor's says nothing.
        product = plan.products.filter(pk=int(wanted)).first()
    return (severity if severity in Severity.values else Severity.NORMAL), product


@require_GET
@contacts_only
def promise_fragment(request: HttpRequest, contact: Contact) -> HttpResponse:
    plan = _plan(contact)
    severity, product = _chosen(plan, request.GET)
    return render(
        request, "portal/_promise.html", promise_context(contact, plan, severity, product)
    )


def _open(contact: Contact, request: HttpRequest, data: dict[str, Any]) -> Ticket:
    hot01 = {k: data[k] for k in actions.HOT01_FIELDS if data.get(k) not in (None, "")}
    # One transaction: no ticket without the files the customer attached.
    with transaction.atomic():
        ticket = actions.open_ticket(
            contact.organisation,
            channel="portal",
            subject=data["subject"],
            description=data["description"],
            severity=data["severity"],
            contact=contact,
            form=hot01,
            product=data.get("product"),
            actor=request.user,
        )
        for upload in data.get("attachment") or []:
            attachments.store(ticket, upload.name, upload.read(), actor=request.user)
    return ticket


@require_http_methods(["GET", "POST"])
@contacts_only
def new_ticket(request: HttpRequest, contact: Contact) -> HttpResponse:
    plan = _plan(contact)
    form_class = Hot01Form if plan is not None and plan.requires_form else QuestionForm
    form = form_class(plan, request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            ticket = _open(contact, request, form.cleaned_data)
        except (actions.IntakeError, attachments.AttachmentError) as exc:
            refuse(form, exc)
        else:
            messages.success(
                request, _("Your question was registered as %(ref)s.") % {"ref": ticket.reference}
            )
            return redirect("portal:ticket", ticket_id=ticket.pk)
    severity, product = _chosen(plan, request.POST)
    return render(
        request,
        "portal/new_ticket.html",
        {
            "form": form,
            "hot01": form_class is Hot01Form,
            **promise_context(contact, plan, severity, product),
        },
    )
