"""What the retention job would remove today (issue 19, item 7), read only: the dry run
prints it, ``actions.apply_retention`` removes exactly these rows.

Never chosen, whatever the periods: what an issued register or statement depends on.
The register reads each ticket's status events (reports.register.STATUS_EVENTS) to say
what was closed or pending at a month's end, so those are kept for ever; the audit
trail of contracts and documents (money, issued statements) is kept too. Statements and
registers copy names and figures, and read neither raw mail nor attachments."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.contrib.sessions.models import Session
from django.db.models import Q, QuerySet
from django.utils import timezone

from opiekun.core.models import AuditEvent
from opiekun.mail.models import InboundMail
from opiekun.reports.models import ExportJob
from opiekun.reports.register import STATUS_EVENTS
from opiekun.tickets.models import Attachment, Ticket

# Mail whose raw bytes no one needs again: on a ticket, ignored, or discarded. Mail in
# triage or quarantine waits for a person, who reads and reprocesses its raw bytes.
FINISHED_MAIL = (
    InboundMail.State.INGESTED,
    InboundMail.State.IGNORED,
    InboundMail.State.DISCARDED,
)
# The audit trail of money and issued documents outlives any retention period.
KEPT_SUBJECT_PREFIXES = ("contracts.", "reports.")


@dataclass(frozen=True)
class Cutoffs:
    raw_mail: dt.datetime | None
    audit: dt.datetime | None
    closed_attachments: dt.datetime | None
    exports: dt.datetime | None = None


def cutoffs(now: dt.datetime | None = None) -> Cutoffs:
    """The moments before which each kind of data goes; None where it is kept for ever."""
    now = now or timezone.now()
    days = settings.RETENTION

    def before(n: int) -> dt.datetime | None:
        return now - dt.timedelta(days=n) if n else None

    return Cutoffs(
        before(days.raw_mail_days),
        before(days.audit_days),
        before(days.closed_attachment_days),
        before(days.export_days),
    )


def raw_mail(cut: Cutoffs) -> QuerySet[InboundMail]:
    if cut.raw_mail is None:
        return InboundMail.objects.none()
    return InboundMail.objects.filter(
        received_at__lt=cut.raw_mail, state__in=FINISHED_MAIL, raw_purged_at__isnull=True
    )


def audit_events(cut: Cutoffs) -> QuerySet[AuditEvent]:
    if cut.audit is None:
        return AuditEvent.objects.none()
    kept = Q(subject_type="tickets.ticket", kind__in=STATUS_EVENTS)
    for prefix in KEPT_SUBJECT_PREFIXES:
        kept |= Q(subject_type__startswith=prefix)
    return AuditEvent.objects.filter(at__lt=cut.audit).exclude(kept)


def closed_tickets(cut: Cutoffs) -> QuerySet[Ticket]:
    """Tickets closed before the cutoff that still have files."""
    if cut.closed_attachments is None:
        return Ticket.objects.none()
    return Ticket.objects.filter(
        status=Ticket.Status.CLOSED,
        closed_at__lt=cut.closed_attachments,
        attachments__isnull=False,
    ).distinct()


def exports(cut: Cutoffs) -> QuerySet[ExportJob]:
    """Report exports finished before the cutoff whose files are still stored (issue 20):
    the file goes, the row stays (expired), so the list still says what was asked."""
    if cut.exports is None:
        return ExportJob.objects.none()
    return ExportJob.objects.filter(
        status__in=(ExportJob.Status.READY, ExportJob.Status.FAILED), finished_at__lt=cut.exports
    )


def attachments(cut: Cutoffs) -> QuerySet[Attachment]:
    return Attachment.objects.filter(ticket__in=closed_tickets(cut))


def expired_sessions(now: dt.datetime | None = None) -> int:
    """Sessions past their expiry (what ``clearsessions`` removes), when they are kept in
    the database; another session engine expires its own."""
    if settings.SESSION_ENGINE != "django.contrib.sessions.backends.db":
        return 0
    return Session.objects.filter(expire_date__lt=now or timezone.now()).count()


@dataclass(frozen=True)
class Report:
    raw_mail: int
    audit_events: int
    attachments: int
    attachment_bytes: int
    tickets: int
    sessions: int
    exports: int = 0

    def lines(self) -> list[str]:
        return [
            f"raw inbound mail: {self.raw_mail} message(s) emptied (rows kept for dedupe)",
            f"audit events: {self.audit_events} deleted",
            f"attachments of closed tickets: {self.attachments} file(s), "
            f"{self.attachment_bytes} bytes, on {self.tickets} ticket(s)",
            f"expired sessions: {self.sessions}",
            f"report exports: {self.exports} file(s) removed (rows kept, expired)",
        ]


def report(now: dt.datetime | None = None) -> Report:
    cut = cutoffs(now)
    files = attachments(cut)
    return Report(
        raw_mail=raw_mail(cut).count(),
        audit_events=audit_events(cut).count(),
        attachments=files.count(),
        attachment_bytes=sum(files.values_list("size", flat=True)),
        tickets=closed_tickets(cut).count(),
        sessions=expired_sessions(now),
        exports=exports(cut).count(),
    )
