"""Retention (issue 19, item 7): with periods set, the dry run prints what would go and
removes nothing; the job then removes exactly that (raw bytes of processed mail, audit
events, files of long-closed tickets, expired sessions) and never what an issued
register depends on (R-REG-2): the register's hash is the same afterwards."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.utils import timezone

from opiekun.core.audit import events_for
from opiekun.core.models import AuditEvent
from opiekun.datastore import Retention
from opiekun.lifecycle import actions, retention
from opiekun.lifecycle.tests.scenario import PDF, PNG, a_month_of_support, hashes
from opiekun.mail import actions as mail_actions
from opiekun.mail.models import InboundMail, Mailbox
from opiekun.testing.personas import Personas
from opiekun.tickets import actions as ticket_actions
from opiekun.tickets.models import Attachment, Ticket

pytestmark = pytest.mark.django_db

DAY = dt.timedelta(days=1)
OTHER_PDF = b"%PDF-1.4 inny plik\n%%EOF\n"


@pytest.fixture
def periods(settings: Any) -> Retention:
    settings.RETENTION = Retention(raw_mail_days=30, audit_days=365, closed_attachment_days=90)
    return settings.RETENTION


def _mail(key: str, state: str, days_ago: int) -> InboundMail:
    mailbox = Mailbox.objects.get_or_create(
        name="pomoc", address="pomoc@kjm.example", host="127.0.0.1", username="u"
    )[0]
    raw = f"Message-ID: <{key}@a.example>\r\nSubject: x\r\n\r\nbody".encode()
    row, _new = mail_actions.receive(mailbox, raw, received_at=timezone.now() - days_ago * DAY)
    InboundMail.objects.filter(pk=row.pk).update(state=state)
    return row


def _run(*args: str) -> str:
    out = io.StringIO()
    call_command("retention", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def history(contracted_personas: Personas, periods: Retention) -> dict[str, Any]:
    """Old and new data on both sides of every cutoff."""
    p = contracted_personas
    month = a_month_of_support(p)
    old_closed = month.ticket
    # Closed 100 days ago: its files go; a ticket closed last week keeps its own.
    Ticket.objects.filter(pk=old_closed.pk).update(closed_at=timezone.now() - 100 * DAY)
    recent = ticket_actions.open_ticket(
        p.org_a, channel="portal", subject="Nowe", contact=p.customer_a
    )
    ticket_actions.answer(recent, staff=p.agent, body="Wzór", files=[("inny.pdf", OTHER_PDF)])
    ticket_actions.resolve(recent)
    ticket_actions.close(recent)
    # Audit events: the register's status events of two years ago stay, the rest goes.
    long_ago = timezone.now() - 800 * DAY
    old_events = [
        AuditEvent.objects.create(
            kind=kind, subject_type="tickets.ticket", subject_id=str(old_closed.pk), at=long_ago
        )
        for kind in ("ticket.assigned", "ticket.closed", "ticket.note_added")
    ]
    statement_event = AuditEvent.objects.create(
        kind="statement.issued", subject_type="contracts.statement", subject_id="1", at=long_ago
    )
    mail = {
        "old ingested": _mail("a", InboundMail.State.INGESTED, 40),
        "old quarantined": _mail("b", InboundMail.State.QUARANTINED, 40),
        "new ingested": _mail("c", InboundMail.State.INGESTED, 5),
    }
    expired = SessionStore()
    expired.set_expiry(-10)
    expired.create()
    return {
        "month": month,
        "recent": recent,
        "old_events": old_events,
        "statement_event": statement_event,
        "mail": mail,
    }


def test_the_dry_run_lists_and_removes_nothing(history: dict[str, Any]) -> None:
    before = (AuditEvent.objects.count(), Attachment.objects.count(), Session.objects.count())
    out = _run("--dry-run")
    assert "RETENTION_RAW_MAIL_DAYS=30" in out and "would remove:" in out
    assert "raw inbound mail: 1 message(s)" in out
    assert "audit events: 2 deleted" in out
    assert (
        f"attachments of closed tickets: 2 file(s), {len(PDF) + len(PNG)} bytes, on 1 ticket(s)"
        in out
    )
    assert "expired sessions: 1" in out
    assert before == (
        AuditEvent.objects.count(),
        Attachment.objects.count(),
        Session.objects.count(),
    )
    assert all(bytes(m.raw) for m in InboundMail.objects.all())


def test_r_reg_2_the_job_removes_what_the_dry_run_listed_and_keeps_the_register(
    contracted_personas: Personas, history: dict[str, Any], django_capture_on_commit_callbacks
) -> None:
    month = history["month"]
    old_ticket = month.ticket
    names = set(Attachment.objects.filter(ticket=old_ticket).values_list("file", flat=True))
    assert all(default_storage.exists(n) for n in names)
    registers = hashes(contracted_personas, month.month)
    with django_capture_on_commit_callbacks(execute=True):
        out = _run()
    assert "removed:" in out and "audit events: 2 deleted" in out

    # Raw mail: only the processed, old one is emptied; its row stays for dedupe.
    mail = history["mail"]
    for label, row in mail.items():
        row.refresh_from_db()
        assert (bytes(row.raw) == b"") == (label == "old ingested"), label
    assert InboundMail.objects.count() == 3
    _row, new = mail_actions.receive(
        mail["old ingested"].mailbox,
        b"Message-ID: <a@a.example>\r\nSubject: x\r\n\r\nbody",
    )
    assert not new  # read again after the purge, still recognised: no second ticket

    # Audit: the register's status event and the statement's stay, the others went.
    kept = set(
        AuditEvent.objects.filter(at__lt=timezone.now() - 700 * DAY).values_list("kind", flat=True)
    )
    assert kept == {"ticket.closed", "statement.issued"}
    assert AuditEvent.objects.filter(kind="audit.expired").get().data["deleted"] == 2

    # Files: the old ticket's rows and objects are gone; the recent ticket keeps its own.
    assert not Attachment.objects.filter(ticket=old_ticket).exists()
    assert not any(default_storage.exists(n) for n in names)
    recent = Attachment.objects.get(ticket=history["recent"])
    assert default_storage.exists(recent.file.name)
    [expiry] = events_for(old_ticket).filter(kind="ticket.attachments_expired")
    assert sorted(expiry.data["files"]) == ["instrukcja.png", "zrzut.pdf"]

    assert not Session.objects.filter(expire_date__lt=timezone.now()).exists()
    # R-REG-2: the register handed over for the month is computed the same.
    assert hashes(contracted_personas, month.month) == registers
    # A second run (a second beat by mistake) finds nothing left.
    assert retention.report() == retention.Report(0, 0, 0, 0, 0, 0)


def test_a_file_shared_with_a_live_ticket_stays_in_storage(
    contracted_personas: Personas, history: dict[str, Any], django_capture_on_commit_callbacks
) -> None:
    p = contracted_personas
    live = ticket_actions.open_ticket(
        p.org_b, channel="portal", subject="Ten sam plik", contact=p.customer_b
    )
    ticket_actions.answer(live, staff=p.agent, body="Ten sam", files=[("zrzut.pdf", PDF)])
    with django_capture_on_commit_callbacks(execute=True):
        actions.apply_retention()
    shared = Attachment.objects.get(ticket=live)
    assert default_storage.exists(shared.file.name)


def test_nothing_goes_without_periods(contracted_personas: Personas) -> None:
    a_month_of_support(contracted_personas)
    assert retention.report() == retention.Report(0, 0, 0, 0, 0, 0)
    assert "RETENTION_AUDIT_DAYS=0 (kept for ever)" in _run("--dry-run")


def test_a_reopened_ticket_keeps_its_files(history: dict[str, Any]) -> None:
    ticket = history["month"].ticket
    cut = retention.cutoffs()
    assert retention.closed_tickets(cut).filter(pk=ticket.pk).exists()
    ticket_actions.reopen(Ticket.objects.get(pk=ticket.pk))
    actions._expire_ticket_files(ticket.pk, cut)
    assert Attachment.objects.filter(ticket=ticket).count() == 2


def test_the_beat_schedule_runs_both_jobs(settings: Any) -> None:
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert {
        "opiekun.lifecycle.tasks.apply_retention",
        "opiekun.lifecycle.tasks.clear_sessions",
    } <= tasks
    from opiekun.celery import app

    app.loader.import_default_modules()
    assert "opiekun.lifecycle.tasks.apply_retention" in app.tasks
