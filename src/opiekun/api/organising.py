"""Tags, canned responses, saved queue views, merging and splitting tickets: the API
twins of the console's queue and ticket-page tools. Staff only; anyone else gets 404."""

from __future__ import annotations

from typing import Annotated

from django.db.models.functions import Lower
from django.http import HttpRequest, HttpResponse
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError

from opiekun.api.schemas import TicketOut
from opiekun.api.types import Id, Text
from opiekun.catalog.models import Vendor
from opiekun.staff.access import staff_for
from opiekun.tickets import access, actions, canned
from opiekun.tickets.actions.organising import VIEW_FILTERS
from opiekun.tickets.actions.tagging import MAX_TAGS
from opiekun.tickets.models import CannedResponse, SavedView, Tag

router = Router(tags=["organising"])

TagName = Annotated[str, Text.of(Tag, "name")]


class TagsIn(Schema):
    tags: list[TagName] = Field(max_length=MAX_TAGS)


def set_ticket_tags(request: HttpRequest, ticket_id: int, names: list[str]) -> list[str]:
    """Sets a ticket's tags for the routes that take ``tags`` (this PUT, and PATCH
    /api/v1/tickets/{id} once it is merged)."""
    staff_for(request.user)
    ticket = access.ticket_for(request.user, ticket_id)
    ticket = actions.set_tags(ticket, names, actor=request.user)
    return [t.name for t in ticket.tags.order_by(Lower("name"))]


@router.get("/tags", response=list[str], summary="Every tag in use, by name")
def list_tags(request: HttpRequest) -> list[str]:
    staff_for(request.user)
    return list(Tag.objects.order_by(Lower("name")).values_list("name", flat=True))


@router.put(
    "/tickets/{ticket_id}/tags", response=list[str], summary="Set a ticket's tags (the whole list)"
)
def put_tags(request: HttpRequest, ticket_id: Id, data: TagsIn) -> list[str]:
    return set_ticket_tags(request, ticket_id, data.tags)


class CannedOut(Schema):
    id: int
    vendor: str | None
    title: str
    body_pl: str
    body_en: str

    @staticmethod
    def of(r: CannedResponse) -> CannedOut:
        return CannedOut(
            id=r.pk,
            vendor=r.vendor.code if r.vendor else None,
            title=r.title,
            body_pl=r.body_pl,
            body_en=r.body_en,
        )


class CannedIn(Schema):
    vendor: Annotated[str, Text(20)] | None = None
    title: Annotated[str, Text.of(CannedResponse, "title")]
    body_pl: Annotated[str, Text()]
    body_en: Annotated[str, Text()]


class Rendered(Schema):
    text: str
    language: str


@router.get(
    "/canned-responses",
    response=list[CannedOut],
    summary="Canned responses; with ticket_id, those that fit the ticket's vendor",
)
def list_responses(request: HttpRequest, ticket_id: Id | None = None) -> list[CannedOut]:
    staff_for(request.user)
    found = access.responses_for(request.user)
    if ticket_id is not None:
        ticket = access.ticket_for(request.user, ticket_id)
        found = found.filter(pk__in=access.responses_for_ticket(ticket))
    return [CannedOut.of(r) for r in found]


@router.get(
    "/tickets/{ticket_id}/canned-responses/{response_id}",
    response=Rendered,
    summary="A canned response filled in for the ticket, in its contact's language",
)
def render_response(request: HttpRequest, ticket_id: Id, response_id: Id) -> Rendered:
    staff_for(request.user)
    response = access.response_for(request.user, response_id)
    ticket = access.ticket_for(request.user, ticket_id)
    if not access.responses_for_ticket(ticket).filter(pk=response.pk).exists():
        raise HttpError(400, "ticket_id: the response is not for this ticket's vendor")
    language = canned.language_for(ticket)
    try:
        text = canned.render(response, ticket, language)
    except canned.TemplateError as error:
        raise HttpError(400, str(error)) from None
    return Rendered(text=text, language=language)


def _vendor(code: str | None) -> Vendor | None:
    if code is None:
        return None
    vendor = Vendor.objects.filter(code=code).first()
    if vendor is None:
        raise HttpError(400, "vendor: no vendor with this code")
    return vendor


def _manager(request: HttpRequest) -> None:
    if not staff_for(request.user).is_manager:
        raise HttpError(404, "Not Found")


@router.post("/canned-responses", response={201: CannedOut}, summary="Write a canned response")
def create_response(request: HttpRequest, data: CannedIn) -> Status[CannedOut]:
    _manager(request)
    made = actions.save_response(
        None,
        vendor=_vendor(data.vendor),
        title=data.title,
        body_pl=data.body_pl,
        body_en=data.body_en,
        actor=request.user,
    )
    return Status(201, CannedOut.of(made))


@router.put("/canned-responses/{response_id}", response=CannedOut)
def change_response(request: HttpRequest, response_id: Id, data: CannedIn) -> CannedOut:
    response = access.response_for(request.user, response_id, manage=True)
    changed = actions.save_response(
        response,
        vendor=_vendor(data.vendor),
        title=data.title,
        body_pl=data.body_pl,
        body_en=data.body_en,
        actor=request.user,
    )
    return CannedOut.of(changed)


@router.delete("/canned-responses/{response_id}", response={204: None})
def delete_response(request: HttpRequest, response_id: Id) -> Status[None]:
    response = access.response_for(request.user, response_id, manage=True)
    actions.delete_response(response, actor=request.user)
    return Status(204, None)


class MergeIn(Schema):
    into_id: Id


@router.post(
    "/tickets/{ticket_id}/merge",
    response=TicketOut,
    summary="Merge the ticket into another of the same customer; returns the survivor",
)
def merge(request: HttpRequest, ticket_id: Id, data: MergeIn) -> TicketOut:
    staff_for(request.user)
    merged = access.ticket_for(request.user, ticket_id)
    survivor = access.ticket_for(request.user, data.into_id)
    return TicketOut.of(actions.merge(merged, survivor, actor=request.user))


class SplitIn(Schema):
    message_id: Id
    subject: Annotated[str, Text(300)] = ""


@router.post(
    "/tickets/{ticket_id}/split",
    response={201: TicketOut},
    summary="Move a message into a new ticket of the same customer and contact",
)
def split(request: HttpRequest, ticket_id: Id, data: SplitIn) -> Status[TicketOut]:
    staff_for(request.user)
    ticket = access.ticket_for(request.user, ticket_id)
    message = ticket.messages.filter(pk=data.message_id).first()
    if message is None:
        raise HttpError(400, "message_id: no such message on this ticket")
    created = actions.split(message, subject=data.subject, actor=request.user)
    return Status(201, TicketOut.of(created))


class ViewOut(Schema):
    id: int
    name: str
    filters: dict[str, str]

    @staticmethod
    def of(v: SavedView) -> ViewOut:
        return ViewOut(id=v.pk, name=v.name, filters=v.filters)


class ViewIn(Schema):
    name: Annotated[str, Text.of(SavedView, "name")]
    filters: dict[Annotated[str, Text(20)], Annotated[str, Text(200)]] = Field(
        description="Queue filters by name: " + ", ".join(VIEW_FILTERS), max_length=10
    )


@router.get("/saved-views", response=list[ViewOut], summary="My saved queue views")
def list_views(request: HttpRequest) -> list[ViewOut]:
    return [ViewOut.of(v) for v in staff_for(request.user).saved_views.all()]


@router.post("/saved-views", response={201: ViewOut}, summary="Save queue filters under a name")
def save_view(request: HttpRequest, data: ViewIn) -> Status[ViewOut]:
    staff = staff_for(request.user)
    return Status(
        201, ViewOut.of(actions.save_view(staff, data.name, data.filters, actor=request.user))
    )


@router.delete("/saved-views/{view_id}", response={204: None})
def delete_view(request: HttpRequest, view_id: Id) -> HttpResponse | Status[None]:
    actions.delete_view(access.saved_view_for(request.user, view_id), actor=request.user)
    return Status(204, None)
