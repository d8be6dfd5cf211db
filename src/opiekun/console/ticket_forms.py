"""The forms of the console's ticket page, one per action. Each bounds what it accepts
(column lengths, storable text, whole minutes) so a bad value comes back on its field."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy

from opiekun.catalog.choices import WorkKind
from opiekun.catalog.models import ScopeItem
from opiekun.core import bounds
from opiekun.core.forms import ManyFilesField
from opiekun.tickets.actions.messages import MAX_FILES
from opiekun.tickets.models import Message, Ticket


def _text(label: Any, *, max_length: int | None = None, **kwargs: Any) -> forms.CharField:
    return forms.CharField(
        label=label, max_length=max_length, validators=[bounds.validate_text], **kwargs
    )


class TicketForm(forms.Form):
    """A form of the ticket page: built for its ticket, its fields' ids prefixed by its
    name ("work-minutes"), so several forms share one page and one error is found by id."""

    name = ""

    def __init__(self, *args: Any, ticket: Ticket, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", f"{self.name}-%s" if self.name else "id_%s")
        super().__init__(*args, **kwargs)
        self.ticket = ticket


class AnswerForm(TicketForm):
    name = "answer"

    body = _text(gettext_lazy("Answer"), widget=forms.Textarea)
    documentation_ref = _text(
        gettext_lazy("Documentation reference"),
        max_length=bounds.column_length(Message, "documentation_ref"),
        required=False,
    )
    attachments = ManyFilesField(
        label=gettext_lazy("Attachments"), required=False, max_files=MAX_FILES
    )


class NoteForm(TicketForm):
    name = "note"
    body = _text(gettext_lazy("Internal note"), widget=forms.Textarea)
    attachments = ManyFilesField(
        label=gettext_lazy("Attachments"), required=False, max_files=MAX_FILES
    )


class WorkForm(TicketForm):
    name = "work"
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=WorkKind.choices)
    minutes = forms.IntegerField(
        label=gettext_lazy("Minutes"), min_value=1, max_value=bounds.MAX_WORK_MINUTES
    )
    emergency = forms.BooleanField(label=gettext_lazy("Out-of-hours emergency"), required=False)
    note = _text(gettext_lazy("What was done"), required=False)


class ScopeChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: ScopeItem) -> str:
        return f"{obj.get_kind_display()}: {obj.text}"


class ScopeForm(TicketForm):
    name = "scope"
    item = ScopeChoice(
        label=gettext_lazy("Classify by the plan's scope"), queryset=ScopeItem.objects.none()
    )
    note = _text(gettext_lazy("Note for the quote (extra work)"), required=False)

    def __init__(self, *args: Any, ticket: Ticket, **kwargs: Any) -> None:
        super().__init__(*args, ticket=ticket, **kwargs)
        field = self.fields["item"]
        assert isinstance(field, ScopeChoice)  # noqa: S101 - narrows the type
        field.queryset = (
            ticket.contract.plan.scope_items.all() if ticket.contract else ScopeItem.objects.none()
        )


class PromiseForm(TicketForm):
    name = "promise"
    answer_by = forms.DateTimeField(
        label=gettext_lazy("Time agreed with the caller"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )

    def clean_answer_by(self) -> dt.datetime:
        value: dt.datetime = self.cleaned_data["answer_by"]
        try:
            return bounds.moment("answer_by", value)
        except bounds.OutOfBounds as exc:
            raise forms.ValidationError(str(exc).partition(": ")[2]) from None


class StatusForm(TicketForm):
    """A status button posts nothing but itself; its refusal is the form's error."""

    name = "status"
