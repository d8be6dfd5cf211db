"""Issue 20, item 5: the KSeF sender's bookkeeping costs the same statements for a
batch of 3 invoices as for 30. The session with KSeF is one per seller; its HTTP calls
per invoice (upload in the package, status, UPO) are the sender's, not the database's."""

from __future__ import annotations

import copy
import datetime as dt
import hashlib

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from opiekun.core.models import AuditEvent
from opiekun.customers.models import Organisation
from opiekun.invoicing import ksef, tasks
from opiekun.invoicing.models import Invoice, KsefSubmission
from opiekun.invoicing.tests.conftest import (
    Approve,
    issued_invoice,
    sender_for,
)
from opiekun.testing.ksef_fake import FakeKsef
from opiekun.testing.personas import Personas

pytestmark = pytest.mark.django_db


@pytest.fixture
def invoice(personas: Personas, buyer: Organisation, approve: Approve) -> Invoice:
    made: Invoice = issued_invoice(personas, approve, "S/B")
    return made


def copies(invoice: Invoice, first: int, count: int) -> list[Invoice]:
    """Copies of ``invoice`` under their own numbers (each of its own statement, a month
    earlier each), pending for KSeF: what a month of issued invoices leaves to send."""
    made = []
    for n in range(first, first + count):
        statement = copy.copy(invoice.statement)
        statement.pk, statement._state.adding = None, True
        statement.number = f"{invoice.statement.number}-{n}"
        statement.period_start = dt.date(2020 - n // 12, 12 - n % 12, 1)
        statement.save()
        number = f"{invoice.number}-{n}"
        twin = copy.copy(invoice)
        twin.pk, twin._state.adding = None, True
        twin.number, twin.statement = number, statement
        twin.xml = invoice.xml.replace(f"<P_2>{invoice.number}</P_2>", f"<P_2>{number}</P_2>")
        twin.xml_sha256 = hashlib.sha256(twin.xml.encode()).hexdigest()
        twin.save()
        KsefSubmission.objects.create(invoice=twin)
        made.append(twin)
    return made


def test_issue_20_item_5_the_ksef_sender_costs_the_same_for_3_or_30_invoices(
    fake: FakeKsef, invoice: Invoice
) -> None:
    """Each invoice is claimed once, sent in its seller's session, and its KSeF number,
    UPO and audit event stored; a second run sends nothing."""
    runs = []
    for first, count in ((0, 2), (2, 30)):
        batch = copies(invoice, first, count)
        if first == 0:
            batch.append(invoice)
        with CaptureQueriesContext(connection) as captured:
            accepted = tasks.send_pending(sender_for(fake))
        runs.append((batch, accepted, len(captured)))
    (few, accepted_3, cost_3), (many, accepted_30, cost_30) = runs
    assert (len(few), len(many)) == (3, 30)
    assert (accepted_3, accepted_30) == (3, 30)
    assert cost_3 == cost_30, (cost_3, cost_30)
    for sent in few + many:
        sub = KsefSubmission.objects.get(invoice=sent)
        assert (sub.state, sub.attempts) == (KsefSubmission.State.ACCEPTED, 1)
        assert sub.ksef_number.startswith(f"{sent.seller_tax_id}-")
        assert f"<NumerFaktury>{sent.number}</NumerFaktury>" in sub.upo
        assert sub.session_reference in fake.sessions and sub.accepted_at is not None
        (event,) = AuditEvent.objects.filter(kind="invoice.ksef_accepted", subject_id=str(sent.pk))
        assert event.organisation_id == sent.organisation_id
        assert event.data == {"ksef_number": sub.ksef_number, "error": None}
    before = len(fake.requests)
    assert tasks.send_pending(sender_for(fake)) == 0  # nothing is sent twice
    assert len(fake.requests) == before


def test_issue_20_item_5_unreachable_ksef_leaves_the_whole_batch_waiting(
    invoice: Invoice,
) -> None:
    batch = [invoice, *copies(invoice, 0, 4)]
    with FakeKsef() as gone:
        url = gone.base_url  # a port nobody listens on once the fake stops

    def down(nip: str) -> ksef.Sender:
        return ksef.BatchSender(url, lambda: "token", timeout=5)

    assert tasks.send_pending(down) == 0
    for sent in batch:
        sub = KsefSubmission.objects.get(invoice=sent)
        assert (sub.state, sub.attempts, sub.claimed_at) == (KsefSubmission.State.PENDING, 1, None)
        assert AuditEvent.objects.filter(
            kind="invoice.ksef_pending", subject_id=str(sent.pk)
        ).exists()
