"""Satisfaction ratings (issue 16, item 6): a contact rates a resolved ticket of theirs
once; staff read the ratings, of one ticket or all, filtered by organisation or plan."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError

from opiekun.api.errors import Error
from opiekun.api.types import Id, OneOf, OptionalDay, Text
from opiekun.customers.access import contact_of
from opiekun.staff.access import staff_for
from opiekun.tickets import access, actions
from opiekun.tickets.actions.rating import COMMENT_LIMIT
from opiekun.tickets.models import Rating
from opiekun.tickets.models.rating import HIGHEST, LOWEST

router = Router(tags=["ratings"])


class RatingIn(Schema):
    score: Annotated[int, Field(ge=LOWEST, le=HIGHEST, description="1 (poor) to 5 (very good)")]
    comment: Annotated[str, Text(COMMENT_LIMIT)] = ""


class RatingOut(Schema):
    id: int
    ticket_id: int
    ticket_reference: str
    organisation: str
    plan: str | None
    contact: str | None
    score: int
    comment: str
    via: Annotated[str, OneOf.of(Rating.Via, check=False)]
    created_at: dt.datetime

    @staticmethod
    def of(r: Rating) -> RatingOut:
        contract = r.ticket.contract
        return RatingOut(
            id=r.pk,
            ticket_id=r.ticket_id,
            ticket_reference=r.ticket.reference,
            organisation=r.ticket.organisation.name,
            plan=contract.plan.code if contract else None,
            contact=r.contact.full_name if r.contact else None,
            score=r.score,
            comment=r.comment,
            via=r.via,
            created_at=r.created_at,
        )


def _ratings() -> QuerySet[Rating]:
    return Rating.objects.select_related(
        "ticket__organisation", "ticket__contract__plan", "contact"
    )


@router.post(
    "/tickets/{ticket_id}/rating",
    response={201: RatingOut, 403: Error},
    summary="Rate a resolved ticket (the customer's contact, once)",
)
def rate(request: HttpRequest, ticket_id: Id, data: RatingIn) -> Status[RatingOut]:
    ticket = access.ticket_for(request.user, ticket_id)
    contact = contact_of(request.user)
    if contact is None:
        raise HttpError(403, "score: only the customer rates a ticket")
    rating = actions.rate(
        ticket,
        contact=contact,
        score=data.score,
        comment=data.comment,
        via=Rating.Via.API,
        actor=request.user,
    )
    return Status(201, RatingOut.of(_ratings().get(pk=rating.pk)))


@router.get(
    "/tickets/{ticket_id}/rating",
    response={200: RatingOut},
    summary="A ticket's rating (staff, or the customer who sees the ticket); 404 if none",
)
def ticket_rating(request: HttpRequest, ticket_id: Id) -> RatingOut:
    ticket = access.ticket_for(request.user, ticket_id)
    found = _ratings().filter(ticket=ticket).first()
    if found is None:
        raise HttpError(404, "The ticket is not rated.")
    return RatingOut.of(found)


class RatingFilters(Schema):
    organisation_id: Id | None = None
    plan: Annotated[str, Text(40)] = ""
    since: OptionalDay = None
    score: Annotated[int | None, Field(ge=LOWEST, le=HIGHEST)] = None


@router.get(
    "/ratings",
    response=list[RatingOut],
    summary="Satisfaction ratings, newest first (staff only); at most 500",
)
def list_ratings(request: HttpRequest, filters: Query[RatingFilters]) -> list[RatingOut]:
    staff_for(request.user)
    found = _ratings()
    if filters.organisation_id:
        found = found.filter(ticket__organisation_id=filters.organisation_id)
    if filters.plan:
        found = found.filter(ticket__contract__plan__code=filters.plan)
    if filters.since:
        found = found.filter(created_at__date__gte=filters.since)
    if filters.score:
        found = found.filter(score=filters.score)
    return [RatingOut.of(r) for r in found.order_by("-created_at", "-pk")[:500]]
