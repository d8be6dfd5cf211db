"""A contact's choice of customer notifications (issue 16, item 2), the API twin of the
portal's "Notifications" page. Staff and strangers get 404: only a contact has them."""

from __future__ import annotations

from typing import Annotated

from django.http import Http404, HttpRequest
from ninja import Field, Router, Schema

from opiekun.api.types import OneOf
from opiekun.customers.access import contact_of
from opiekun.customers.models import Contact
from opiekun.notifications import customer_actions, customer_preferences
from opiekun.notifications.customer_kinds import CustomerKind

router = Router(tags=["notifications"])


class ChoiceOut(Schema):
    kind: Annotated[str, OneOf.of(CustomerKind, check=False)]
    label: str = Field(description="The kind, in the reader's language.")
    enabled: bool


class ChoiceIn(Schema):
    kind: Annotated[str, OneOf.of(CustomerKind)]
    enabled: bool


class ChoicesIn(Schema):
    choices: Annotated[list[ChoiceIn], Field(max_length=len(CustomerKind.values))]


def _contact(request: HttpRequest) -> Contact:
    contact = contact_of(request.user)
    if contact is None:
        raise Http404("No such page")
    return contact


def _table(contact: Contact) -> list[ChoiceOut]:
    table = customer_preferences.table(contact.pk)
    return [
        ChoiceOut(kind=kind, label=str(label), enabled=table[kind])
        for kind, label in CustomerKind.choices
    ]


@router.get(
    "/my/notification-choices",
    response=list[ChoiceOut],
    summary="Which notifications I receive by e-mail (contacts only)",
)
def my_choices(request: HttpRequest) -> list[ChoiceOut]:
    return _table(_contact(request))


@router.put(
    "/my/notification-choices",
    response=list[ChoiceOut],
    summary="Choose which notifications I receive; kinds not named keep their choice",
)
def set_my_choices(request: HttpRequest, data: ChoicesIn) -> list[ChoiceOut]:
    contact = _contact(request)
    customer_actions.set_choices(
        contact, {c.kind: c.enabled for c in data.choices}, actor=request.user
    )
    return _table(contact)
