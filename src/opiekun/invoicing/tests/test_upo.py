"""Issue 21, item 1 (a gap of ADR 0030): KSeF's receipt (UPO) is checked before an
invoice counts as accepted: it must name the invoice's KSeF number and the hash of the
file sent. A mismatch is a visible failure, not an acceptance, and is not sent again."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from opiekun.contracts.models import Statement
from opiekun.core.models import AuditEvent
from opiekun.customers.models import Organisation
from opiekun.invoicing import actions, queries, tasks, upo
from opiekun.invoicing.models import Invoice, KsefSubmission
from opiekun.invoicing.tests.conftest import OCTOBER, Approve, october_of, receipt
from opiekun.invoicing.tests.test_issue_on_approval import client_of
from opiekun.invoicing.tests.test_ksef import sender_for
from opiekun.reports import statements
from opiekun.testing.ksef_fake import FakeKsef
from opiekun.testing.personas import Personas

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]
NUMBER = "5260250274-20261201-0A1B2C-3D4E5F-01"


@pytest.fixture
def invoice(personas: Personas, buyer: Organisation, approve: Approve) -> Invoice:
    contract = october_of("SHIP-START", personas, number="S/U")
    statement: Statement = approve(statements.issue(contract, OCTOBER))
    return actions.issue(statement)


def test_issue_21_item_1_a_receipt_must_name_the_number_and_the_hash(invoice: Invoice) -> None:
    good = receipt(invoice, NUMBER)
    digest = good.split("<SkrotDokumentu>")[1].split("<")[0]
    assert upo.mismatch(good, ksef_number=NUMBER, invoice_hash=digest) == ""
    other_number = upo.mismatch(good, ksef_number=NUMBER[:-2] + "02", invoice_hash=digest)
    assert "does not name the KSeF number" in other_number
    other_hash = upo.mismatch(good, ksef_number=NUMBER, invoice_hash="A" * 44)
    assert "another file hash" in other_hash
    assert "not XML" in upo.mismatch("<U", ksef_number=NUMBER, invoice_hash=digest)
    assert upo.mismatch("", ksef_number=NUMBER, invoice_hash=digest)


@pytest.fixture
def tampering_fake(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeKsef]:
    """A KSeF whose receipts name another file's hash."""
    real = FakeKsef._upo

    def wrong(self: FakeKsef, session: Any, number: str) -> tuple[str, Any, str]:
        status, body, kind = real(self, session, number)
        if isinstance(body, bytes):
            body = body.replace(b"<SkrotDokumentu>", b"<SkrotDokumentu>X")
        return status, body, kind

    monkeypatch.setattr(FakeKsef, "_upo", wrong)
    with FakeKsef() as server:
        yield server


def test_issue_21_item_1_a_receipt_that_does_not_match_is_a_visible_failure(
    tampering_fake: FakeKsef, invoice: Invoice, personas: Personas
) -> None:
    assert tasks.send_pending(sender_for(tampering_fake)) == 0
    sub = KsefSubmission.objects.get(invoice=invoice)
    assert sub.state == KsefSubmission.State.MISMATCH and sub.accepted_at is None
    assert sub.ksef_number and "another file hash" in sub.error
    assert AuditEvent.objects.filter(kind="invoice.ksef_mismatch").count() == 1
    # Not sent again: it may be in KSeF; a person decides.
    assert tasks.send_pending(sender_for(tampering_fake)) == 0
    assert KsefSubmission.objects.get(invoice=invoice).attempts == 1
    panel = queries.panel(invoice.statement)
    assert panel is not None and not panel.accepted and panel.qr_svg is None
    page = client_of(personas, "manager").get(f"/console/statements/{invoice.statement_id}/")
    text = page.content.decode()
    assert "receipt does not match the invoice" in text or "nie zgadza" in text
    assert sub.ksef_number in text


def test_issue_21_item_1_the_fakes_true_receipt_is_accepted(invoice: Invoice) -> None:
    with FakeKsef() as fake:
        assert tasks.send_pending(sender_for(fake)) == 1
    assert KsefSubmission.objects.get(invoice=invoice).state == KsefSubmission.State.ACCEPTED
