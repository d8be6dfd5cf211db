"""State changes of the core app."""

import datetime as dt

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from opiekun.core import audit
from opiekun.core.audit import Actor
from opiekun.core.models import PeriodicRun, WorkerHeartbeat


def record_heartbeat(name: str) -> WorkerHeartbeat:
    with transaction.atomic():
        beat, _ = WorkerHeartbeat.objects.update_or_create(
            name=name, defaults={"seen_at": timezone.now()}
        )
    return beat


def claim_period(job: str, interval_seconds: int, planned_at: dt.datetime) -> PeriodicRun | None:
    """The run of ``job`` for the period holding ``planned_at`` (when beat sent it), or
    None when that period's run was already claimed: by a second beat started by
    mistake, or by this same message delivered again after its worker died. Like the
    heartbeat, an operational record: no audit event (one a minute would bury the rest)."""
    period = int(planned_at.timestamp()) // max(interval_seconds, 1)
    try:
        with transaction.atomic():
            return PeriodicRun.objects.create(job=job, period=period)
    except IntegrityError:
        return None


def finish_period(run: PeriodicRun, handled: int) -> None:
    with transaction.atomic():
        PeriodicRun.objects.filter(pk=run.pk).update(finished_at=timezone.now(), handled=handled)


def rotate_secrets(actor: Actor = None) -> int:
    """Re-encrypts every encrypted field of every model under the first key of
    OPIEKUN_SECRET_BOX_KEY (ADR 8); returns how many values were rewritten. Found by field
    type, so core names no app above it. Each row is locked while it is rewritten."""
    from django.apps import apps

    from opiekun.core import secretbox
    from opiekun.core.fields import EncryptedTextField

    rewritten = 0
    for model in apps.get_models():
        fields = [f for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)]
        if not fields:
            continue
        table, pk = model._meta.db_table, model._meta.pk.column
        columns = [f.column for f in fields]
        with transaction.atomic(), connection.cursor() as cursor:
            # Raw SQL: the field decrypts on read, and a rotation must see the tokens.
            cursor.execute(
                f"SELECT {pk}, {', '.join(columns)} FROM {table}"  # noqa: S608 (our names)
                + ("" if connection.vendor == "sqlite" else " FOR UPDATE")
            )
            for pk_value, *stored in cursor.fetchall():
                changed = []
                for column, value in zip(columns, stored, strict=True):
                    if value is None:
                        continue
                    cursor.execute(
                        f"UPDATE {table} SET {column} = %s WHERE {pk} = %s",  # noqa: S608
                        [secretbox.rotate(value), pk_value],
                    )
                    changed.append(column)
                if changed:
                    rewritten += len(changed)
                    audit.record("secrets.rotated", model(pk=pk_value), actor=actor, fields=changed)
    return rewritten


def unlock_sign_in(kind: str, value: str, *, actor: Actor = None) -> int:
    """Lifts a sign-in lockout of a user name or an address (django-axes) before its
    cool-off ends; returns how many attempt records were cleared. Audited on the user
    when the name is one, otherwise on the actor, with what was unlocked."""
    from axes.utils import reset
    from django.contrib.auth import get_user_model

    if kind not in {"username", "address"}:
        raise ValueError(f"kind: {kind!r} is not username or address")
    with transaction.atomic():
        cleared = reset(username=value) if kind == "username" else reset(ip=value)
        user = (
            get_user_model().objects.filter(username=value).first() if kind == "username" else None
        )
        subject = user or audit.acting_user(actor)
        if subject is not None:
            audit.record(
                "sign_in.unlocked", subject, actor=actor, locked=kind, value=value, cleared=cleared
            )
    return cleared
