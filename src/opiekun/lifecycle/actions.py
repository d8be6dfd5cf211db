"""Data lifecycle actions (issue 19, item 7): the retention job and the erasure of a
contact on request (GDPR art. 17). Each runs in transactions, locks what it decides on,
and writes an audit event for every step; files leave storage only after commit."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass

from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from opiekun.core import audit
from opiekun.core.audit import Actor
from opiekun.core.models import AuditEvent
from opiekun.customers.actions import ContactError
from opiekun.customers.models import Contact
from opiekun.lifecycle import retention
from opiekun.mail.models import InboundMail, Mailbox
from opiekun.reports import export_work
from opiekun.tickets.models import Attachment, Message, Ticket

REMOVED = "[removed]"
BATCH = 500


def _delete_unreferenced(names: set[str]) -> None:
    """Removes stored files no attachment points to any more. Names are content hashes
    shared by equal files, so a file goes only when its last row has gone; checked again
    here, after commit, right before each delete."""
    for name in sorted(names):
        if not Attachment.objects.filter(file=name).exists():
            default_storage.delete(name)


# --- retention -------------------------------------------------------------------------


def apply_retention(now: dt.datetime | None = None) -> retention.Report:
    """Removes what ``retention.report`` lists (the same queries), and says how much."""
    now = now or timezone.now()
    planned = retention.report(now)
    cut = retention.cutoffs(now)
    _purge_raw_mail(retention.raw_mail(cut), now)
    _expire_audit_events(retention.audit_events(cut), cut)
    for ticket_id in list(retention.closed_tickets(cut).values_list("pk", flat=True)):
        _expire_ticket_files(ticket_id, cut)
    for job in list(retention.exports(cut)):
        export_work.expire(job)
    # Sessions: Django's own command, as `opiekun clearsessions` would (any engine).
    from django.core.management import call_command

    call_command("clearsessions")
    return planned


def _purge_raw_mail(rows: QuerySet[InboundMail], now: dt.datetime) -> None:
    while ids := list(rows.values_list("pk", flat=True)[:BATCH]):
        with transaction.atomic():
            # A conditional UPDATE claims the rows: a second beat running the same job at
            # once finds them purged and counts nothing twice.
            claimed = InboundMail.objects.filter(
                pk__in=ids, raw_purged_at__isnull=True, state__in=retention.FINISHED_MAIL
            )
            per_mailbox = Counter(claimed.values_list("mailbox_id", flat=True))
            claimed.update(raw=b"", raw_purged_at=now)
            for mailbox in Mailbox.objects.filter(pk__in=per_mailbox):
                audit.record("mail.raw_expired", mailbox, messages=per_mailbox[mailbox.pk])


def _expire_audit_events(events: QuerySet[AuditEvent], cut: retention.Cutoffs) -> None:
    while ids := list(events.values_list("pk", flat=True)[:BATCH]):
        with transaction.atomic():
            # Audit events are append-only for every other caller (AppendOnlyQuerySet);
            # retention is the one sanctioned remover, through a plain queryset.
            deleted, _by_model = QuerySet(model=AuditEvent).filter(pk__in=ids).delete()
            AuditEvent.objects.create(
                kind="audit.expired",
                subject_type="core.auditevent",
                subject_id="",
                data={"deleted": deleted, "before": cut.audit.isoformat() if cut.audit else ""},
            )


def _expire_ticket_files(ticket_id: int, cut: retention.Cutoffs) -> None:
    with transaction.atomic():
        ticket = Ticket.objects.select_for_update().filter(pk=ticket_id).first()
        # Decided again under the lock: a ticket reopened meanwhile keeps its files.
        if (
            ticket is None
            or cut.closed_attachments is None
            or ticket.status != Ticket.Status.CLOSED
            or ticket.closed_at is None
            or ticket.closed_at >= cut.closed_attachments
        ):
            return
        files = list(Attachment.objects.filter(ticket=ticket))
        if not files:
            return
        names = {a.file.name for a in files}
        Attachment.objects.filter(pk__in=[a.pk for a in files]).delete()
        audit.record(
            "ticket.attachments_expired",
            ticket,
            organisation=ticket.organisation,
            files=[a.filename for a in files],
            size=sum(a.size for a in files),
        )
        transaction.on_commit(lambda: _delete_unreferenced(names))


# --- erasure of a contact (GDPR art. 17) -----------------------------------------------


class ErasureError(ContactError):
    """The contact cannot be anonymised as asked; the message names the field (a
    ContactError, so the API and console answer it as they answer the others)."""


@dataclass(frozen=True)
class Erasure:
    contact: Contact
    messages: int
    raw_mail: int
    tickets: int


def _scrubber(identifiers: list[str]) -> re.Pattern[str] | None:
    words = sorted({i for i in identifiers if len(i) >= 3}, key=len, reverse=True)
    if not words:
        return None
    return re.compile("|".join(re.escape(w) for w in words), re.IGNORECASE)


def _phone_forms(number: str) -> list[str]:
    """+48601000001 as stored, and as people write it: 601 000 001, 601-000-001."""
    digits = number.lstrip("+")
    national = digits[2:] if digits.startswith("48") else digits
    grouped = " ".join(national[i : i + 3] for i in range(0, len(national), 3))
    return [number, digits, national, grouped, grouped.replace(" ", "-")]


def anonymise_contact(contact: Contact, *, actor: Actor = None) -> Erasure:
    """Erases a contact's identity on request: name, e-mail addresses, phone numbers and
    portal login go; the contact is deactivated. What they wrote stays, with their
    identifiers replaced by [removed] (ADR 0027: the questions are the record of the
    contracted service). Issued statements and registers are untouched: they copied what
    they issued, and the register reads ticket subjects and staff answers, not names."""
    with transaction.atomic():
        contact = (
            Contact.objects.select_for_update(of=("self",))
            .select_related("organisation", "user")
            .get(pk=contact.pk)
        )
        if contact.full_name.startswith(REMOVED):
            raise ErasureError("contact: " + _("This contact was anonymised already."))
        emails = list(contact.emails.values_list("address", flat=True))
        phones = list(contact.phones.values_list("number", flat=True))
        name = contact.full_name
        scrub = _scrubber(
            [name, *name.split(), *emails, *[f for p in phones for f in _phone_forms(p)]]
        )
        org = contact.organisation

        # 1. Identity: name, title, addresses, numbers.
        contact.full_name = f"{REMOVED} #{contact.pk}"
        contact.job_title = ""
        contact.is_active = False
        contact.is_single_point_of_contact = False
        contact.is_organisation_admin = False
        contact.save()
        contact.emails.all().delete()
        contact.phones.all().delete()
        audit.record(
            "contact.anonymised",
            contact,
            actor=actor,
            organisation=org,
            emails=len(emails),
            phones=len(phones),
        )

        # 2. The portal login: no way in, nothing that names them.
        user = contact.user
        if user is not None:
            user.username = f"anonymised-{contact.pk}"
            user.first_name = user.last_name = user.email = ""
            user.is_active = False
            user.set_unusable_password()
            user.save()
            audit.record("contact.login_removed", contact, actor=actor, organisation=org)

        # 3. What they wrote: kept, their identifiers replaced.
        written = Message.objects.select_for_update().filter(author_contact=contact)
        changed = 0
        for message in written:
            before = (message.sender, message.body_text, message.body_html, message.body_full)
            message.sender = ""
            if scrub is not None:
                message.body_text = scrub.sub(REMOVED, message.body_text)
                message.body_html = scrub.sub(REMOVED, message.body_html)
                message.body_full = scrub.sub(REMOVED, message.body_full)
            if before != (message.sender, message.body_text, message.body_html, message.body_full):
                message.save(update_fields=["sender", "body_text", "body_html", "body_full"])
                changed += 1
        # Mail sent to them names them as its recipient; the answers' text is what the
        # register prints, so it is left as issued.
        Message.objects.filter(ticket__contact=contact, recipient__in=emails).update(recipient="")
        tickets = Ticket.objects.select_for_update().filter(contact=contact)
        ticket_count = 0
        for ticket in tickets:
            fields = {
                "requester_name": ticket.requester_name,
                "return_address": ticket.return_address,
            }
            if scrub is not None and any(scrub.search(v) for v in fields.values() if v):
                ticket.requester_name = scrub.sub(REMOVED, ticket.requester_name)
                ticket.return_address = scrub.sub(REMOVED, ticket.return_address)
                ticket.save(update_fields=["requester_name", "return_address"])
                ticket_count += 1
        audit.record(
            "contact.messages_redacted",
            contact,
            actor=actor,
            organisation=org,
            messages=changed,
            tickets=ticket_count,
        )

        # 4. The raw mail they sent: headers and signature name them; the rows stay so
        # the same Message-ID is still recognised.
        raw = InboundMail.objects.filter(message__author_contact=contact)
        if emails:
            raw = raw | InboundMail.objects.filter(sender__in=emails)
        purged = (
            InboundMail.objects.filter(pk__in=list(raw.values_list("pk", flat=True)))
            .exclude(raw_purged_at__isnull=False, sender="")
            .update(raw=b"", sender="", raw_purged_at=timezone.now())
        )
        audit.record(
            "contact.raw_mail_removed", contact, actor=actor, organisation=org, messages=purged
        )
    return Erasure(contact, changed, purged, ticket_count)
