"""Sending pending invoices to KSeF (the beat runs it every KSEF_SEND_SECONDS)."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from itertools import groupby

from celery import shared_task
from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from opiekun.contracts.models import Statement
from opiekun.core import audit
from opiekun.invoicing import actions, ksef, settings_actions
from opiekun.invoicing.ksef_auth import TokenAuth
from opiekun.invoicing.models import KsefSubmission

log = logging.getLogger(__name__)

# Invoices per KSeF session: KSeF takes up to 10 000; a smaller batch ends sooner.
BATCH = 100
# A claim this old is a worker that died mid-send: a batch polls for at most ~3 minutes.
STALE = dt.timedelta(minutes=30)


def configured_sender(nip: str) -> ksef.Sender | None:
    """A sender for one seller: its vendor's KSeF token (issue 21, item 1), else the
    installation's KSEF_TOKEN; none (the invoices wait) without a URL or a token."""
    if not settings.KSEF_API_URL:
        return None
    token = settings_actions.ksef_token_for(nip) or settings.KSEF_TOKEN
    if not token:
        log.warning("no KSeF token for seller %s: its invoices wait", nip)
        return None
    auth = TokenAuth(settings.KSEF_API_URL, token, nip)
    return ksef.BatchSender(settings.KSEF_API_URL, auth)


def send_pending(
    sender_for: Callable[[str], ksef.Sender | None] = configured_sender, limit: int | None = None
) -> int:
    """Sends what is pending, one batch per seller (a KSeF session is one seller's
    context); returns how many invoices KSeF accepted. ``sender_for`` is the seam tests
    use to point at the fake."""
    limit = limit or BATCH
    waiting = list(
        KsefSubmission.objects.filter(
            Q(state=KsefSubmission.State.PENDING)
            | Q(state=KsefSubmission.State.SENDING, claimed_at__lt=timezone.now() - STALE)
        )
        .select_related("invoice")
        .order_by("invoice__seller_tax_id", "pk")[:limit]
    )
    accepted = 0
    for nip, group in groupby(waiting, key=lambda s: s.invoice.seller_tax_id):
        sender = sender_for(nip)
        if sender is None:
            # This seller has no sender (no token yet): its invoices wait, others go.
            continue
        group_list = list(group)
        taken = set(actions.claim_many([s.pk for s in group_list], stale_after=STALE))
        mine = [s for s in group_list if s.pk in taken]
        if not mine:
            continue
        batch = [ksef.Outgoing(s.pk, s.invoice.number, s.invoice.xml.encode("utf-8")) for s in mine]
        try:
            # The one call per seller that goes out: KSeF's session takes the batch, its
            # HTTP exchanges per invoice (upload, status, UPO) are the sender's.
            result = sender.send(batch)
        except ksef.KsefUnavailable as exc:
            log.warning("KSeF unavailable, %d invoices wait: %s", len(batch), exc)
            actions.record_outcomes(
                [ksef.Outcome(s.pk, error=str(exc)) for s in mine],
                session_reference="",
                retry=True,
            )
            continue
        done = actions.record_outcomes(result.outcomes, session_reference=result.session_reference)
        accepted += sum(sub.state == KsefSubmission.State.ACCEPTED for sub in done)
    return accepted


@shared_task
def send_pending_invoices() -> int:
    return send_pending()


@shared_task
def issue_approved(statement_id: int) -> str:
    """The invoice of a statement just approved, for a vendor that issues on approval.
    ``actions.issue`` returns the existing invoice when there is one, so a second
    delivery of this task (or a manager who was quicker) makes no second invoice."""
    statement = Statement.objects.filter(pk=statement_id).first()
    if statement is None:
        return ""
    try:
        return actions.issue(statement).number
    except actions.InvoiceError as exc:
        # Visible, not lost: the statement's audit trail says why no invoice came.
        log.warning("statement %s not invoiced on approval: %s", statement.number, exc)
        audit.record(
            "invoice.issue_failed",
            statement,
            organisation=statement.contract.organisation,
            error=str(exc)[:200],
        )
        return ""
