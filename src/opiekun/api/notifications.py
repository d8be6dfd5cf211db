"""A staff member's own notifications (issue 15, item 8): read the inbox, mark read.
Another person's notification, a colleague's too, is 404; customers get 404 for all."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.pagination import paginate

from opiekun.api.lazy import LazyPage
from opiekun.api.pagination import Pages
from opiekun.api.types import Id, OneOf
from opiekun.notifications import access, actions, texts
from opiekun.notifications.models import Kind, Notification
from opiekun.staff.access import staff_for

router = Router(tags=["notifications"])


class NotificationOut(Schema):
    id: int
    kind: Annotated[str, OneOf.of(Kind, check=False)]
    text: str = Field(description="What happened, in the reader's language.")
    ticket_id: int
    ticket_reference: str
    ticket_subject: str
    created_at: dt.datetime
    read_at: dt.datetime | None

    @staticmethod
    def of(notification: Notification) -> NotificationOut:
        return NotificationOut(
            id=notification.pk,
            kind=notification.kind,
            text=texts.headline(notification),
            ticket_id=notification.ticket_id,
            ticket_reference=notification.ticket.reference,
            ticket_subject=notification.ticket.subject,
            created_at=notification.created_at,
            read_at=notification.read_at,
        )


class ReadAllOut(Schema):
    marked: int


@router.get(
    "/notifications",
    response=list[NotificationOut],
    summary="My notifications, newest first (staff only)",
)
@paginate(Pages)
def list_notifications(request: HttpRequest) -> list[NotificationOut]:
    return LazyPage(access.inbox(request.user), lambda n, _: NotificationOut.of(n))  # type: ignore[return-value]


@router.post(
    "/notifications/{notification_id}/read",
    response=NotificationOut,
    summary="Mark one of my notifications read",
)
def read_notification(request: HttpRequest, notification_id: Id) -> NotificationOut:
    notification = access.notification_for(request.user, notification_id)
    actions.mark_read(staff_for(request.user), notification, actor=request.user)
    notification.refresh_from_db(fields=["read_at"])
    return NotificationOut.of(notification)


@router.post("/notifications/read", response=ReadAllOut, summary="Mark all my notifications read")
def read_all_notifications(request: HttpRequest) -> ReadAllOut:
    return ReadAllOut(marked=actions.mark_all_read(staff_for(request.user), actor=request.user))
