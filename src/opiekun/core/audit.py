"""Writing audit events. Called by actions, inside their transaction, so an event
exists exactly when the change it describes was committed."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db import models

from opiekun.core.models import AuditEvent

# Who does something: a user, the anonymous user of a request, or None for the system.
Actor = AbstractBaseUser | AnonymousUser | None


def acting_user(actor: Actor) -> Any:
    """The user to store as the one who acted: None for the system or an anonymous user."""
    return actor if actor is not None and actor.is_authenticated else None


def record(
    kind: str,
    subject: models.Model,
    *,
    actor: Actor = None,
    organisation: Any = None,
    **data: Any,
) -> AuditEvent:
    """Appends one audit event about ``subject``. ``data`` must be JSON-serialisable;
    dates and decimals are stored as strings by the caller."""
    made = event(kind, subject, actor=actor, organisation=organisation, **data)
    made.save()
    return made


def event(
    kind: str,
    subject: models.Model,
    *,
    actor: Actor = None,
    organisation: Any = None,
    **data: Any,
) -> AuditEvent:
    """An unsaved event, for actions that write many at once with bulk_create."""
    return AuditEvent(
        kind=kind,
        subject_type=subject._meta.label_lower,
        subject_id=str(subject.pk),
        actor=acting_user(actor),
        organisation=organisation,
        data=data,
    )


def events_for(subject: models.Model) -> models.QuerySet[AuditEvent]:
    """The audit trail of one object, newest first."""
    return AuditEvent.objects.filter(
        subject_type=subject._meta.label_lower, subject_id=str(subject.pk)
    )
