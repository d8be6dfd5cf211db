"""Tags on tickets: add, remove, or set the whole list. Each change is audited on the
ticket; a tag named for the first time is created (names match whatever their case)."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.utils.translation import gettext as _

from opiekun.core import audit, bounds
from opiekun.core.audit import Actor
from opiekun.tickets.actions.base import IntakeError, locked
from opiekun.tickets.models import Tag, Ticket

MAX_TAGS = 20  # on one ticket: a longer list is a paste error, not a classification


def tag_names(names: Iterable[str], field: str = "tags") -> list[str]:
    """Checked, stripped names without repeats (compared case-insensitively), in order."""
    limit = bounds.column_length(Tag, "name")
    found: dict[str, str] = {}
    for raw in names:
        name = bounds.text(field, raw.strip(), max_length=limit, error=IntakeError)
        if name:
            found.setdefault(name.casefold(), name)
    if len(found) > MAX_TAGS:
        raise IntakeError(f"{field}: " + _("at most %(limit)s tags") % {"limit": MAX_TAGS})
    return list(found.values())


def tags_named(names: Iterable[str]) -> list[Tag]:
    """The tags of these names, created when new; an existing tag keeps its spelling."""
    tags = []
    for name in names:
        tag = Tag.objects.filter(name__iexact=name).first()
        if tag is None:
            # Two agents inventing the same tag at once: the unique index keeps one.
            with transaction.atomic():
                tag, _created = Tag.objects.get_or_create(name=name)
        tags.append(tag)
    return tags


def _change(ticket: Ticket, wanted: list[Tag], kind: str, actor: Actor) -> Ticket:
    ticket = locked(ticket)
    before = {t.pk: t.name for t in ticket.tags.all()}
    after = {t.pk: t.name for t in wanted}
    added = [after[k] for k in after if k not in before]
    removed = [before[k] for k in before if k not in after]
    if added or removed:
        ticket.tags.set(wanted)
        audit.record(
            kind,
            ticket,
            actor=actor,
            organisation=ticket.organisation,
            added=sorted(added),
            removed=sorted(removed),
        )
    return ticket


def set_tags(ticket: Ticket, names: Iterable[str], *, actor: Actor = None) -> Ticket:
    """The ticket's tags become exactly these (PUT /api/v1/tickets/{id}/tags, PATCH)."""
    with transaction.atomic():
        return _change(ticket, tags_named(tag_names(names)), "ticket.tags_set", actor)


def add_tags(ticket: Ticket, names: Iterable[str], *, actor: Actor = None) -> Ticket:
    with transaction.atomic():
        wanted = list(locked(ticket).tags.all())
        have = {t.pk for t in wanted}
        wanted += [t for t in tags_named(tag_names(names)) if t.pk not in have]
        if len(wanted) > MAX_TAGS:
            raise IntakeError("tags: " + _("at most %(limit)s tags") % {"limit": MAX_TAGS})
        return _change(ticket, wanted, "ticket.tags_added", actor)


def remove_tags(ticket: Ticket, names: Iterable[str], *, actor: Actor = None) -> Ticket:
    with transaction.atomic():
        gone = {n.casefold() for n in tag_names(names)}
        wanted = [t for t in locked(ticket).tags.all() if t.name.casefold() not in gone]
        return _change(ticket, wanted, "ticket.tags_removed", actor)
