"""State changes of inbound mail. Raw bytes are committed first (``receive``); what they
become is decided in a second transaction (``process``), so a message that crashes the
parser is still kept and, after MAX_ATTEMPTS, quarantined instead of blocking the
mailbox for ever."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging

from django.conf import settings
from django.db import IntegrityError, InterfaceError, OperationalError, connection, transaction
from django.db.models import CharField, F, Field, Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone

from opiekun.catalog.choices import Channel
from opiekun.core import audit
from opiekun.core.audit import Actor
from opiekun.core.models import AuditEvent
from opiekun.customers import actions as customer_actions
from opiekun.customers.models import Contact, ContactEmail, Organisation
from opiekun.mail import ingest, outbound
from opiekun.mail.models import InboundMail, Mailbox
from opiekun.mail.parse import InboundMessage, message_id_of, parse
from opiekun.tickets.models import Message

MAX_ATTEMPTS = 3
logger = logging.getLogger(__name__)
PROCESSED_FIELDS = [
    "state",
    "reason",
    "sender",
    "subject",
    "automatic",
    "ticket",
    "message",
    "processed_at",
]


class MailError(ValueError):
    """A mail action is refused; the message names the field."""


def dedupe_key(raw: bytes) -> tuple[str, str]:
    """(key, sha256): the Message-ID, or the content hash when there is none."""
    sha256 = hashlib.sha256(raw).hexdigest()
    try:
        message_id = message_id_of(raw)
    except Exception:
        message_id = ""
    return (message_id or f"sha256:{sha256}")[:255], sha256


def _known(row: InboundMail, mailbox: Mailbox, sha256: str) -> tuple[InboundMail, bool]:
    """The row a message duplicates. The same Message-ID over other bytes is most often
    the same mail delivered twice (other Received lines), but may be a different mail
    reusing an ID: it is logged, with both hashes, for the raw bytes to be compared."""
    if row.sha256 != sha256:
        logger.warning(
            "mail: Message-ID %s arrived again in mailbox %s with other content "
            "(kept sha256 %s, new sha256 %s); the new copy was not taken",
            row.dedupe_key,
            mailbox.pk,
            row.sha256,
            sha256,
        )
    return row, False


def receive(
    mailbox: Mailbox, raw: bytes, *, uid: str = "", received_at: dt.datetime | None = None
) -> tuple[InboundMail, bool]:
    """Keeps the raw bytes of one message: (row, True), or (the row it duplicates,
    False) when the same Message-ID was read before."""
    key, sha256 = dedupe_key(raw)
    try:
        with transaction.atomic():
            return (
                InboundMail.objects.create(
                    mailbox=mailbox,
                    uid=uid,
                    dedupe_key=key,
                    sha256=sha256,
                    raw=raw,
                    size=len(raw),
                    received_at=received_at or timezone.now(),
                    attempts=1,  # this first processing attempt, counted with the bytes
                ),
                True,
            )
    except IntegrityError:
        return _known(InboundMail.objects.get(dedupe_key=key), mailbox, sha256)


def receive_many(
    mailbox: Mailbox, items: list[tuple[str, bytes, dt.datetime | None]]
) -> list[tuple[InboundMail, bool]]:
    """``receive`` for a chunk, in one statement: the raw bytes of every new message are
    committed before any is parsed. Should another poll race us to one of them (the
    same mail in two mailboxes), each is received on its own instead."""
    keyed = [(uid, raw, arrived, *dedupe_key(raw)) for uid, raw, arrived in items]
    known = {
        row.dedupe_key: row
        for row in InboundMail.objects.filter(dedupe_key__in=[k for *_, k, _ in keyed]).defer("raw")
    }
    now = timezone.now()
    out: list[tuple[InboundMail, bool]] = []
    new: list[InboundMail] = []
    for uid, raw, arrived, key, sha256 in keyed:
        if key in known:
            out.append(_known(known[key], mailbox, sha256))
            continue
        row = InboundMail(
            mailbox=mailbox,
            uid=uid,
            dedupe_key=key,
            sha256=sha256,
            raw=raw,
            size=len(raw),
            received_at=arrived or now,
            fetched_at=now,
            attempts=1,
        )
        known[key] = row
        new.append(row)
        out.append((row, True))
    try:
        with transaction.atomic():
            InboundMail.objects.bulk_create(new)
    except IntegrityError:
        return [receive(mailbox, raw, uid=uid, received_at=arrived) for uid, raw, arrived in items]
    return out


def _save_outcomes(rows: list[InboundMail]) -> None:
    """``save(update_fields=PROCESSED_FIELDS)`` of many rows as one executemany: Django's
    bulk_update builds a CASE per field and row, and cost more than the rest of a chunk."""
    if not rows:
        return
    fields = [InboundMail._meta.get_field(name) for name in PROCESSED_FIELDS]
    concrete = [f for f in fields if isinstance(f, Field)]
    quote = connection.ops.quote_name
    sets = ", ".join(f"{quote(f.column)} = %s" for f in concrete)
    table = quote(InboundMail._meta.db_table)
    params = [
        [f.get_db_prep_save(getattr(row, f.attname), connection) for f in concrete] + [row.pk]
        for row in rows
    ]
    with connection.cursor() as cursor:
        cursor.executemany(f"UPDATE {table} SET {sets} WHERE id = %s", params)  # noqa: S608 - our own names


def process_many(rows: list[InboundMail]) -> list[InboundMail]:
    """``process`` for a chunk of just-received rows: plain new tickets and triage in one
    transaction with a few statements for all, the rest one by one. Should the chunk's
    transaction fail for anything but the database, every message of it is processed
    on its own, so one bad message still only quarantines itself."""
    parsed: list[tuple[InboundMail, InboundMessage]] = []
    alone: list[InboundMail] = []
    for row in rows:
        try:
            parsed.append((row, parse(bytes(row.raw))))
        except Exception:
            alone.append(row)
    try:
        with transaction.atomic():
            alone += ingest.route_many(parsed)
            done = [row for row, _ in parsed if row not in alone]
            _save_outcomes(done)
            AuditEvent.objects.bulk_create(
                [
                    audit.event(
                        f"mail.{row.state}",
                        row,
                        mailbox=row.mailbox.name,
                        sender=row.sender,
                        mail_subject=row.subject,
                        reason=row.reason,
                    )
                    for row in done
                    if row.state != InboundMail.State.INGESTED
                ]
            )
    except (OperationalError, InterfaceError):
        raise
    except Exception:
        for row, _ in parsed:
            row.state = InboundMail.State.RECEIVED
        alone, done = rows, []
    return done + [process(row.pk, counted=True) for row in alone]


def process(inbound_id: int, *, counted: bool = False, actor: Actor = None) -> InboundMail:
    """Parses and routes one received message in one transaction. A fault of the message
    quarantines it with the reason; a fault of the database propagates, leaving the
    message received, to be processed again."""
    if not counted:
        # Committed before the work, so a worker killed mid-way still counts the try.
        InboundMail.objects.filter(pk=inbound_id, state=InboundMail.State.RECEIVED).update(
            attempts=F("attempts") + 1
        )
    with transaction.atomic():
        inbound = (
            InboundMail.objects.select_for_update(of=("self",))
            .select_related("mailbox")
            .get(pk=inbound_id)
        )
        if inbound.state != InboundMail.State.RECEIVED:
            return inbound
        if inbound.attempts > MAX_ATTEMPTS:
            inbound.state = InboundMail.State.QUARANTINED
            inbound.reason = f"processing did not finish in {MAX_ATTEMPTS} attempts"
        else:
            try:
                with transaction.atomic():
                    ingest.route(inbound, parse(bytes(inbound.raw)))
            except (OperationalError, InterfaceError):
                raise
            except Exception as exc:
                inbound.state = InboundMail.State.QUARANTINED
                inbound.reason = f"{type(exc).__name__}: {exc}"[:500]
        inbound.processed_at = timezone.now()
        inbound.save(update_fields=PROCESSED_FIELDS)  # never the raw bytes again
        if inbound.state != InboundMail.State.INGESTED:
            _audit(inbound, f"mail.{inbound.state}", actor, reason=inbound.reason)
    return inbound


def _audit(inbound: InboundMail, kind: str, actor: Actor, **data: object) -> None:
    audit.record(
        kind,
        inbound,
        actor=actor,
        organisation=inbound.ticket.organisation if inbound.ticket is not None else None,
        mailbox=inbound.mailbox.name,
        sender=inbound.sender,
        mail_subject=inbound.subject,
        **data,
    )


def _locked(inbound: InboundMail, *states: str) -> InboundMail:
    inbound = (
        InboundMail.objects.select_for_update(of=("self",))
        .select_related("mailbox")
        .get(pk=inbound.pk)
    )
    if inbound.state not in states:
        raise MailError(f"state: a message that is {inbound.state} cannot be changed this way")
    return inbound


def retry(inbound: InboundMail, *, actor: Actor = None) -> InboundMail:
    """A manager sends a quarantined or triaged message through again (after a fix, or
    once its sender was added as a contact)."""
    with transaction.atomic():
        inbound = _locked(inbound, InboundMail.State.QUARANTINED, InboundMail.State.TRIAGE)
        _audit(inbound, "mail.retried", actor, previous=inbound.state, reason=inbound.reason)
        inbound.state, inbound.reason, inbound.attempts = InboundMail.State.RECEIVED, "", 0
        inbound.save(update_fields=["state", "reason", "attempts"])
    return process(inbound.pk, actor=actor)


def discard(inbound: InboundMail, *, reason: str, actor: Actor = None) -> InboundMail:
    if not reason.strip():
        raise MailError("reason: say why the message is discarded")
    with transaction.atomic():
        inbound = _locked(inbound, *InboundMail.ATTENTION)
        inbound.state, inbound.reason = InboundMail.State.DISCARDED, reason.strip()[:500]
        inbound.save(update_fields=["state", "reason"])
        _audit(inbound, "mail.discarded", actor, reason=inbound.reason)
    return inbound


def assign(
    inbound: InboundMail,
    organisation: Organisation,
    *,
    contact: Contact | None = None,
    register: bool = False,
    actor: Actor = None,
) -> InboundMail:
    """Triage: a message from an unknown sender becomes a ticket of ``organisation``.
    With ``register`` its sender's address is registered, so their next mail opens a
    ticket by itself: on ``contact``, or on a new contact named as the mail signs."""
    if contact is not None and contact.organisation_id != organisation.pk:
        raise MailError("contact: belongs to another organisation")
    with transaction.atomic():
        inbound = _locked(inbound, InboundMail.State.TRIAGE)
        parsed = parse(bytes(inbound.raw))
        if register:
            contact = _register(organisation, contact, parsed, actor)
        if inbound.mailbox.kind == Mailbox.Kind.FAX_GATEWAY:
            ingest.new_fax_ticket(inbound, parsed, organisation, contact, "")
        else:
            ingest.new_ticket(inbound, parsed, organisation, contact)
        inbound.reason = ""
        inbound.processed_at = timezone.now()
        inbound.save(update_fields=PROCESSED_FIELDS)
        _audit(
            inbound,
            "mail.assigned",
            actor,
            organisation_name=organisation.name,
            registered=parsed.sender if register else "",
        )
    return inbound


def _register(
    organisation: Organisation, contact: Contact | None, parsed: InboundMessage, actor: Actor
) -> Contact:
    address = parsed.sender.strip()
    if not address:
        raise MailError("register: the message has no sender address to register")
    owner = ingest.contact_for(address)
    if owner is not None and (contact is None or owner.pk != contact.pk):
        raise MailError("register: the address belongs to another contact already")
    if contact is None:
        name = parsed.sender_name.strip() or address
        return customer_actions.add_contact(organisation, name[:200], emails=[address], actor=actor)
    if owner is None:
        ContactEmail.objects.create(contact=contact, address=address)
        audit.record(
            "contact.email_added", contact, actor=actor, organisation=organisation, address=address
        )
    return contact


def resend(message: Message, *, actor: Actor = None) -> Message:
    """An agent sends a failed or stuck answer again, after the address or the server
    was fixed, or when its task was lost."""
    with transaction.atomic():
        message = (
            Message.objects.select_for_update(of=("self",))
            .select_related("ticket__organisation")
            .get(pk=message.pk)
        )
        if message.channel != Channel.EMAIL or message.direction != Message.Direction.OUTBOUND:
            raise MailError("message: only e-mail the desk sent can be sent again")
        is_stuck = outbound.stuck().filter(pk=message.pk).exists()
        if message.delivery != Message.Delivery.FAILED and not is_stuck:
            raise MailError(f"delivery: the message is {message.delivery}, not failed")
        message.delivery, message.attempts = Message.Delivery.PENDING, 0
        message.save(update_fields=["delivery", "attempts", "updated_at"])
        audit.record(
            "ticket.mail_resent",
            message.ticket,
            actor=actor,
            organisation=message.ticket.organisation,
            message=message.pk,
            previous_error=message.delivery_error or ("stuck" if is_stuck else ""),
        )
        outbound.queue(message)
    return message


def sweep_stuck(now: dt.datetime | None = None) -> list[int]:
    """The messages stuck pending (``outbound.stuck``) to be sent again, claimed a batch
    at a time in one transaction: locked (``skip_locked`` on PostgreSQL, so two sweeps
    share the work; SQLite's write lock serialises them), then one update for those to
    send again and one for those tried MAIL_SEND_RETRIES times already, which are
    failed instead and shown on their tickets (``outbound.fail_many``). The same
    statements for 3 messages or 500 (issue 20, item 5)."""
    now = now or timezone.now()
    with transaction.atomic():
        due = list(
            outbound.stuck(now)
            .select_for_update(skip_locked=True)
            .order_by("pk")
            .values_list("pk", "attempts")[:500]
        )
        hopeless = [pk for pk, attempts in due if attempts >= settings.MAIL_SEND_RETRIES]
        again = [pk for pk, attempts in due if attempts < settings.MAIL_SEND_RETRIES]
        if hopeless:
            outbound.fail_many(
                hopeless,
                Concat(
                    Value("stuck: still pending after "),
                    Cast("attempts", CharField()),
                    Value(" attempts; not sent"),
                ),
            )
        if again:
            # Young again: a second sweep does not take them, the send's task has time.
            Message.objects.filter(pk__in=again).update(
                attempts=F("attempts") + 1,
                updated_at=now,
                delivery_error="stuck pending: sent again by the sweep",
            )
    return again
