"""Every change to notifications: telling people (inside the action that caused it),
marking read, choosing kinds. The e-mail leaves by the worker after commit."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from opiekun.core import audit
from opiekun.core.audit import Actor
from opiekun.notifications import preferences, tasks
from opiekun.notifications.models import Kind, Notification, Preference
from opiekun.staff.models import StaffMember
from opiekun.tickets.models import Ticket


@dataclass(frozen=True)
class Event:
    """One thing that happened, to be told to ``people`` once (``key`` names it)."""

    kind: str
    ticket: Ticket
    people: tuple[StaffMember | None, ...]
    key: str
    params: dict[str, Any] = field(default_factory=dict)


def notify(
    kind: str,
    ticket: Ticket,
    people: Iterable[StaffMember | None],
    *,
    key: str,
    actor: Actor = None,
    **params: Any,
) -> list[Notification]:
    """Tells each active person once about the event ``key``: never the actor, nobody
    who switched the kind off. Called inside the transaction of the action it reports,
    so the notification exists exactly when the event does."""
    return notify_many([Event(kind, ticket, tuple(people), key, params)], actor=actor)


def notify_many(events: Iterable[Event], *, actor: Actor = None) -> list[Notification]:
    """``notify`` for a batch of events (a chunk of mail opens hundreds of tickets): the
    preferences, the events already told and the new rows each take one query, and the
    e-mails leave in one task, instead of a round of each per event."""
    actor_id = getattr(actor, "pk", None) if actor is not None else None
    planned: dict[tuple[int, str], tuple[Event, StaffMember]] = {}
    for event in events:
        for person in event.people:
            if person is None or not person.is_active:
                continue
            if actor_id is not None and person.user_id == actor_id:
                continue
            planned.setdefault((person.pk, event.key[:120]), (event, person))
    if not planned:
        return []
    kinds = {event.kind for event, _person in planned.values()}
    staff_ids = {pk for pk, _key in planned}
    chosen = {kind: preferences.choices(staff_ids, kind) for kind in kinds}
    rows: list[tuple[Notification, bool]] = []
    for (pk, key), (event, person) in planned.items():
        choice = chosen[event.kind][pk]
        by_email = choice.by_email and event.kind not in preferences.EMAILED_ELSEWHERE
        if choice.in_app or by_email:
            notification = Notification(
                recipient=person,
                key=key,
                kind=event.kind,
                ticket=event.ticket,
                params=event.params,
                shown=choice.in_app,
            )
            rows.append((notification, by_email))
    with transaction.atomic():
        told = set(
            Notification.objects.filter(
                recipient_id__in=staff_ids, key__in={n.key for n, _e in rows}
            ).values_list("recipient_id", "key")
        )
        rows = [(n, e) for n, e in rows if (n.recipient_id, n.key) not in told]
        try:
            with transaction.atomic():
                Notification.objects.bulk_create([n for n, _e in rows])
        except IntegrityError:
            # Another process told one of these events at this very moment: one by one,
            # so each is still told exactly once.
            rows = [(n, e) for n, e in rows if _told_now(n)]
        emailed = [
            n.pk
            for n, by_email in rows
            if by_email and n.recipient.user.is_active and n.recipient.user.email
        ]
        if emailed:
            transaction.on_commit(partial(tasks.email_notifications.delay, emailed))
    return [n for n, _e in rows]


def _told_now(notification: Notification) -> bool:
    """True when this call stored it (it did not exist yet)."""
    _found, created = Notification.objects.get_or_create(
        recipient=notification.recipient,
        key=notification.key,
        defaults={
            "kind": notification.kind,
            "ticket": notification.ticket,
            "params": notification.params,
            "shown": notification.shown,
        },
    )
    if created:
        notification.pk = _found.pk
    return created


def mark_read(staff: StaffMember, notification: Notification, *, actor: Actor = None) -> bool:
    """True when it was unread. The caller fetched it through access.notification_for."""
    with transaction.atomic():
        changed = Notification.objects.filter(
            pk=notification.pk, recipient=staff, read_at=None
        ).update(read_at=timezone.now())
        if changed:
            audit.record("notification.read", staff, actor=actor, notification=notification.pk)
    return bool(changed)


def mark_all_read(staff: StaffMember, *, actor: Actor = None) -> int:
    with transaction.atomic():
        changed = Notification.objects.filter(recipient=staff, read_at=None).update(
            read_at=timezone.now()
        )
        if changed:
            audit.record("notification.all_read", staff, actor=actor, count=changed)
    return changed


def set_preferences(
    staff: StaffMember, chosen: dict[str, preferences.Choice], *, actor: Actor = None
) -> None:
    """Stores one person's choices; kinds not named keep theirs."""
    unknown = set(chosen) - set(Kind.values)
    if unknown:
        raise ValueError(f"kind: unknown {sorted(unknown)}")
    with transaction.atomic():
        for kind, choice in chosen.items():
            Preference.objects.update_or_create(
                recipient=staff,
                kind=kind,
                defaults={"in_app": choice.in_app, "by_email": choice.by_email},
            )
        audit.record(
            "notification.preferences",
            staff,
            actor=actor,
            **{k: [c.in_app, c.by_email] for k, c in chosen.items()},
        )
