"""Reading one mailbox: lease, fetch in chunks, keep, process, then mark on the server.

The server is told a message is done only after its transaction committed, so a crash
anywhere leaves it to be read again; reading it again is harmless because mail is
unique by Message-ID. A poll holds a lease on the mailbox row (a conditional UPDATE,
like the SLA sweep), so two workers never read one mailbox at once. On PostgreSQL the
poll also holds a session advisory lock on the mailbox: a worker killed mid-poll loses
its connection and with it the lock, so the next poll takes the mailbox over at once
instead of waiting out the lease (issue 19's topology test found the ten-minute gap)."""

from __future__ import annotations

import contextlib
import datetime as dt
import imaplib
import re
import secrets
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.db import DatabaseError, connection
from django.db.models import Q
from django.utils import timezone
from imap_tools import BaseMailBox, MailBox, MailBoxStartTls, MailBoxUnencrypted
from imap_tools.errors import ImapToolsError

from opiekun.core import batch
from opiekun.mail import actions, oauth2, tokens
from opiekun.mail.models import InboundMail, Mailbox

LEASE = dt.timedelta(minutes=10)
CHUNK = 100
DONE_KEYWORD = "$Opiekun"
_UID = re.compile(rb"UID (\d+)")
_INTERNALDATE = re.compile(rb'INTERNALDATE "([^"]+)"')
# What stops a poll without being the message's fault: the server or the connection.
# An OAuth2 provider that refuses a token is the server's side too.
CONNECTION_ERRORS = (ImapToolsError, imaplib.IMAP4.error, OSError, EOFError, oauth2.TokenError)


@dataclass
class PollResult:
    mailbox: str
    fetched: int = 0
    new: int = 0
    duplicates: int = 0
    states: dict[str, int] = field(default_factory=dict)
    error: str = ""
    busy: bool = False

    def line(self) -> str:
        if self.busy:
            return f"{self.mailbox}: being read by another worker"
        states = ", ".join(f"{k} {v}" for k, v in sorted(self.states.items()))
        text = f"{self.mailbox}: {self.fetched} read, {self.new} new, {self.duplicates} seen before"
        text += f" ({states})" if states else ""
        return text + (f"; stopped: {self.error}" if self.error else "")


def connect(mailbox: Mailbox) -> BaseMailBox:
    box: BaseMailBox
    if mailbox.security == Mailbox.Security.SSL:
        box = MailBox(mailbox.host, mailbox.port, timeout=60)
    elif mailbox.security == Mailbox.Security.STARTTLS:
        box = MailBoxStartTls(mailbox.host, mailbox.port, timeout=60)
    else:
        box = MailBoxUnencrypted(mailbox.host, mailbox.port, timeout=60)
    if mailbox.sign_in == Mailbox.SignIn.OAUTH2:
        try:
            token = tokens.mailbox_token(mailbox)
        except oauth2.TokenError:
            with contextlib.suppress(*CONNECTION_ERRORS):
                box.logout()
            raise
        return box.xoauth2(mailbox.username, token, initial_folder=mailbox.folder)
    return box.login(mailbox.username, mailbox.password, initial_folder=mailbox.folder)


# The first key of the mailboxes' advisory locks (the second is the mailbox's id).
LOCK_SPACE = 19001
_HELD = (
    "SELECT objid FROM pg_locks WHERE locktype = 'advisory' AND classid = %s AND granted"
    " AND pid <> pg_backend_pid()"
)


def _advisory() -> bool:
    return connection.vendor == "postgresql"


def _held_elsewhere() -> set[int]:
    """Mailboxes whose poll is alive in another session right now."""
    with connection.cursor() as cursor:
        cursor.execute(_HELD, [LOCK_SPACE])
        return {int(row[0]) for row in cursor.fetchall()}


def _lock(mailbox_id: int) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [LOCK_SPACE, mailbox_id])
        return bool(cursor.fetchone()[0])


def _unlock(mailbox_id: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [LOCK_SPACE, mailbox_id])


def claim(mailbox_id: int, now: dt.datetime) -> str | None:
    token = secrets.token_hex(8)
    boxes = Mailbox.objects.filter(pk=mailbox_id, is_active=True)
    lease_free = Q(lease_until__isnull=True) | Q(lease_until__lt=now)
    if not _advisory():
        taken = boxes.filter(lease_free).update(lease_until=now + LEASE, lease_token=token)
        return token if taken == 1 else None
    # Advisory locks are re-entrant within one session: a lease this session holds
    # itself (a poll that has not released yet) is still respected.
    mine = mailbox_id in _held_here()
    if not _lock(mailbox_id):
        return None  # a live poll in another session
    # Otherwise the lock was free: a lease still running belongs to a poll whose session
    # is gone (its worker died), so it is taken over.
    taken = (boxes.filter(lease_free) if mine else boxes).update(
        lease_until=now + LEASE, lease_token=token
    )
    if taken != 1:
        _unlock(mailbox_id)
        return None
    return token


def _held_here() -> set[int]:
    """Mailboxes this session holds locked already."""
    with connection.cursor() as cursor:
        cursor.execute(_HELD.replace("<>", "="), [LOCK_SPACE])
        return {int(row[0]) for row in cursor.fetchall()}


def _renew(mailbox_id: int, token: str) -> bool:
    return (
        Mailbox.objects.filter(pk=mailbox_id, lease_token=token).update(
            lease_until=timezone.now() + LEASE
        )
        == 1
    )


def _release(mailbox_id: int, token: str, error: str) -> None:
    now = timezone.now()
    changes: dict[str, object] = {"lease_until": None, "lease_token": ""}
    if error:
        changes.update(last_error=error[:500], last_error_at=now)
    else:
        changes.update(last_polled_at=now, last_error="")
    Mailbox.objects.filter(pk=mailbox_id, lease_token=token).update(**changes)


def fetch_raw(box: BaseMailBox, uids: list[str]) -> Iterator[tuple[str, bytes, dt.datetime | None]]:
    """(uid, raw bytes, arrival) of each message, one round trip per chunk, without the
    parsing imap-tools would do (we parse once, our way)."""
    typ, data = box.client.uid("fetch", ",".join(uids), "(UID INTERNALDATE BODY.PEEK[])")
    if typ != "OK":
        raise imaplib.IMAP4.error(f"FETCH answered {typ}")
    records: list[list[bytes]] = []
    for item in data:
        if isinstance(item, tuple):
            records.append([item[0], item[1]])
        elif isinstance(item, bytes) and records:
            records[-1][0] += item  # some servers send UID after the literal
    for head, raw in records:
        uid = _UID.search(head)
        if uid is None:
            continue
        arrived = None
        date = _INTERNALDATE.search(head)
        if date:
            try:
                arrived = dt.datetime.strptime(date.group(1).decode(), "%d-%b-%Y %H:%M:%S %z")
            except ValueError:
                arrived = None
        yield uid.group(1).decode(), raw, arrived


def _mark_done(box: BaseMailBox, mailbox: Mailbox, uids: list[str]) -> None:
    if not uids:
        return
    if mailbox.done_folder:
        box.move(uids, mailbox.done_folder)
    else:
        box.flag(uids, [DONE_KEYWORD, "\\Seen"], True)


def _take(
    mailbox: Mailbox, fetched: list[tuple[str, bytes, dt.datetime | None]], result: PollResult
) -> None:
    """One chunk: the bytes kept (one commit), then processed (another, or one per
    message for what cannot be done in bulk)."""
    received = actions.receive_many(mailbox, fetched)
    result.fetched += len(received)
    result.new += sum(created for _, created in received)
    result.duplicates += sum(not created for _, created in received)
    fresh = [row for row, created in received if created]
    # Rows left received by a poll that died: processed one by one, the attempt counted.
    stale = {row.pk: row for row, created in received if not created}
    outcomes = actions.process_many(fresh) + [
        actions.process(row.pk) for row in stale.values() if row.state == InboundMail.State.RECEIVED
    ]
    for row in outcomes:
        result.states[row.state] = result.states.get(row.state, 0) + 1


def _recover(mailbox: Mailbox, result: PollResult) -> None:
    """Messages kept but not processed by a poll that died: processed now."""
    for pk in InboundMail.objects.filter(
        mailbox=mailbox, state=InboundMail.State.RECEIVED
    ).values_list("pk", flat=True):
        state = actions.process(pk).state
        result.states[state] = result.states.get(state, 0) + 1


def poll(mailbox: Mailbox, *, now: dt.datetime | None = None) -> PollResult:
    """Reads every message not yet done in the mailbox. Never raises for the server or
    the connection: the error is written on the mailbox and the next poll goes on."""
    result = PollResult(mailbox.name)
    token = claim(mailbox.pk, now or timezone.now())
    if token is None:
        result.busy = True
        return result
    box: BaseMailBox | None = None
    try:
        _recover(mailbox, result)
        box = connect(mailbox)
        criteria = "ALL" if mailbox.done_folder else f"NOT KEYWORD {DONE_KEYWORD}"
        uids = box.uids(criteria)
        for start in range(0, len(uids), CHUNK):
            done: list[str] = []
            try:
                with batch.batch():
                    fetched = list(fetch_raw(box, uids[start : start + CHUNK]))
                    _take(mailbox, fetched, result)
                    done = [uid for uid, _, _ in fetched]
            finally:
                # What committed is marked even when the chunk stopped half-way.
                # Left unmarked when the server is gone: read again next time, harmlessly.
                with contextlib.suppress(*CONNECTION_ERRORS):
                    _mark_done(box, mailbox, done)
            if not _renew(mailbox.pk, token):
                result.error = "the lease was lost (the poll took too long)"
                break
    except CONNECTION_ERRORS as exc:
        result.error = f"IMAP: {type(exc).__name__}: {exc}"
    except DatabaseError as exc:
        result.error = f"database: {type(exc).__name__}: {exc}"
    finally:
        if box is not None:
            with contextlib.suppress(*CONNECTION_ERRORS):
                box.logout()
        with contextlib.suppress(DatabaseError):  # else the lease runs out by itself
            _release(mailbox.pk, token, result.error)
        if _advisory():
            with contextlib.suppress(DatabaseError):  # else it goes with the connection
                _unlock(mailbox.pk)
    return result


def due(now: dt.datetime | None = None) -> list[Mailbox]:
    """Active mailboxes whose interval has come."""
    now = now or timezone.now()
    boxes = Mailbox.objects.filter(is_active=True)
    if _advisory():
        # A lease whose poll's session is gone (a killed worker) does not count.
        boxes = boxes.exclude(pk__in=_held_elsewhere())
    else:
        boxes = boxes.filter(Q(lease_until__isnull=True) | Q(lease_until__lt=now))
    return [m for m in boxes if _tried_at(m) + dt.timedelta(minutes=m.poll_minutes) <= now]


def _tried_at(mailbox: Mailbox) -> dt.datetime:
    """The last read, successful or not: a failing server is tried again after the
    mailbox's own interval, not at every beat (which would hammer it, and lock the
    account on servers that count failed sign-ins)."""
    tried = [t for t in (mailbox.last_polled_at, mailbox.last_error_at) if t is not None]
    return max(tried, default=dt.datetime.min.replace(tzinfo=dt.UTC))


def check(mailbox: Mailbox) -> str:
    """Signs in to the mailbox and opens its folder, nothing more: "" when that worked,
    else what went wrong (the console's "test connection"). Reads and writes nothing."""
    try:
        box = connect(mailbox)
    except CONNECTION_ERRORS as exc:
        return f"{type(exc).__name__}: {exc}"[:500]
    with contextlib.suppress(*CONNECTION_ERRORS):
        box.logout()
    return ""


def overdue(now: dt.datetime | None = None) -> list[Mailbox]:
    """R-SLA-8: between 7:00 and 22:00 no mailbox goes unread for more than 2 hours
    (the gap counted from 7:00 at the earliest). These did: the server failing, or no
    worker running."""
    now = timezone.localtime(now or timezone.now())
    if not 7 <= now.hour < 22:
        return []
    opens = now.replace(hour=7, minute=0, second=0, microsecond=0)
    return [
        m
        for m in Mailbox.objects.filter(is_active=True)
        if now - max(m.last_polled_at or m.created_at, opens) > dt.timedelta(hours=2)
    ]
