"""Every change to notifications: telling people (inside the action that caused it),
marking read, choosing kinds. The e-mail leaves by the worker after commit."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import partial
from typing import Any

from django.db import transaction
from django.utils import timezone

from opiekun.core import audit
from opiekun.core.audit import Actor
from opiekun.notifications import preferences, tasks
from opiekun.notifications.models import Kind, Notification, Preference
from opiekun.staff.models import StaffMember
from opiekun.tickets.models import Ticket


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
    actor_id = getattr(actor, "pk", None) if actor is not None else None
    wanted = {
        p.pk: p
        for p in people
        if p is not None and p.is_active and (actor_id is None or p.user_id != actor_id)
    }
    if not wanted:
        return []
    chosen = preferences.choices(wanted, kind)
    made = []
    with transaction.atomic():
        for pk, person in wanted.items():
            choice = chosen[pk]
            by_email = choice.by_email and kind not in preferences.EMAILED_ELSEWHERE
            if not (choice.in_app or by_email):
                continue
            notification, created = Notification.objects.get_or_create(
                recipient=person,
                key=key[:120],
                defaults={
                    "kind": kind,
                    "ticket": ticket,
                    "params": params,
                    "shown": choice.in_app,
                },
            )
            if not created:
                continue  # this event was told to this person already
            made.append(notification)
            if by_email and person.user.is_active and person.user.email:
                transaction.on_commit(partial(tasks.email_notification.delay, notification.pk))
    return made


def notify_many(
    kind: str, events: Sequence[tuple[Ticket, StaffMember, str, dict[str, Any]]]
) -> list[Notification]:
    """``notify`` for many events of one kind at once, each (ticket, person, key,
    params), as a sweep's pass raises them: one read of the people's choices, one of the
    events told already, one insert, whatever their number. No actor: the system acts."""
    wanted = [(t, p, key[:120], params) for t, p, key, params in events if p.is_active]
    if not wanted:
        return []
    chosen = preferences.choices({p.pk for _, p, _, _ in wanted}, kind)
    told = set(
        Notification.objects.filter(
            recipient_id__in={p.pk for _, p, _, _ in wanted}, key__in={k for _, _, k, _ in wanted}
        ).values_list("recipient_id", "key")
    )
    fresh: list[tuple[Notification, bool]] = []
    for ticket, person, key, params in wanted:
        choice = chosen[person.pk]
        by_email = choice.by_email and kind not in preferences.EMAILED_ELSEWHERE
        if not (choice.in_app or by_email) or (person.pk, key) in told:
            continue
        told.add((person.pk, key))
        row = Notification(
            recipient=person, key=key, kind=kind, ticket=ticket, params=params, shown=choice.in_app
        )
        fresh.append((row, by_email and person.user.is_active and bool(person.user.email)))
    made = Notification.objects.bulk_create([row for row, _ in fresh])
    for row, mail in fresh:
        if mail:
            transaction.on_commit(partial(tasks.email_notification.delay, row.pk))
    return made


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
