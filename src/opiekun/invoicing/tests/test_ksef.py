"""Sending invoices to KSeF (issue 21): the batch sender against a local fake of the KSeF
2.0 contract stores each invoice's KSeF number and UPO; a rejected invoice keeps KSeF's
reason; an unreachable KSeF leaves the invoices waiting; two workers never send one
invoice twice."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib

import pytest

from opiekun.core.models import AuditEvent
from opiekun.customers.models import Organisation
from opiekun.invoicing import actions, ksef, qr, tasks
from opiekun.invoicing.ksef_auth import TokenAuth
from opiekun.invoicing.models import Invoice, KsefSubmission
from opiekun.invoicing.tests.conftest import (
    Approve,
    issued_invoice,
    sender_for,
)
from opiekun.testing.ksef_fake import KSEF_TOKEN, TOKEN, FakeKsef
from opiekun.testing.personas import Personas

pytestmark = pytest.mark.django_db


@pytest.fixture
def invoice(personas: Personas, buyer: Organisation, approve: Approve) -> Invoice:
    made: Invoice = issued_invoice(personas, approve, "S/K")
    return made


def test_it_sends_a_pending_invoice_and_stores_the_ksef_number_and_the_upo(
    fake: FakeKsef, invoice: Invoice
) -> None:
    assert tasks.send_pending(sender_for(fake)) == 1
    sub = KsefSubmission.objects.get(invoice=invoice)
    assert sub.state == KsefSubmission.State.ACCEPTED
    assert sub.ksef_number.startswith(f"{invoice.seller_tax_id}-20261201-")
    assert sub.session_reference in fake.sessions
    assert f"<NumerKSeFDokumentu>{sub.ksef_number}</NumerKSeFDokumentu>" in sub.upo
    assert f"<NumerFaktury>{invoice.number}</NumerFaktury>" in sub.upo
    assert sub.accepted_at is not None and sub.attempts == 1
    # The official flow, in order: key, open, upload, close, poll, list, UPO.
    paths = [p for _, p in fake.requests if not p.startswith("/v2/auth/")]
    assert paths[0] == "/v2/security/public-key-certificates"
    assert paths[1:3] == ["/v2/security/public-key-certificates", "/v2/sessions/batch"]
    assert paths[3].startswith("/upload/")
    assert paths[4].endswith("/close")
    assert paths[-1].endswith(f"/invoices/ksef/{sub.ksef_number}/upo")
    assert fake.authenticated_nip == invoice.seller_tax_id
    assert AuditEvent.objects.filter(
        kind="invoice.ksef_accepted", subject_id=str(invoice.pk)
    ).exists()
    # Nothing is left to send: a second run sends nothing.
    before = len(fake.requests)
    assert tasks.send_pending(sender_for(fake)) == 0
    assert len(fake.requests) == before


def test_a_rejected_invoice_keeps_the_reason_and_is_not_sent_again(
    fake: FakeKsef, invoice: Invoice
) -> None:
    fake.reject_numbers.add(invoice.number)
    assert tasks.send_pending(sender_for(fake)) == 0
    sub = KsefSubmission.objects.get(invoice=invoice)
    assert (sub.state, sub.ksef_number) == (KsefSubmission.State.REJECTED, "")
    # The session ends 445 (no valid invoice); the invoice's own status says why.
    assert sub.error == "KSeF 450: rejected by the test"


def test_when_ksef_cannot_be_reached_the_invoice_waits_for_the_next_run(
    invoice: Invoice,
) -> None:
    with FakeKsef() as gone:
        url = gone.base_url  # a port nobody listens on once the fake stops

    def down(nip: str) -> ksef.Sender:
        return ksef.BatchSender(url, lambda: TOKEN, timeout=5)

    assert tasks.send_pending(down) == 0
    sub = KsefSubmission.objects.get(invoice=invoice)
    assert (sub.state, sub.attempts) == (KsefSubmission.State.PENDING, 1)
    assert "/security/public-key-certificates" in sub.error


def test_a_submission_is_claimed_once_and_a_dead_workers_claim_expires(invoice: Invoice) -> None:
    sub = invoice.ksef
    assert actions.claim(sub.pk, stale_after=dt.timedelta(minutes=30))
    assert not actions.claim(sub.pk, stale_after=dt.timedelta(minutes=30))
    # A claim older than the limit belongs to a worker that died: it is taken over.
    assert actions.claim(sub.pk, stale_after=dt.timedelta(seconds=-1))


def test_the_task_does_nothing_without_ksef_configured(invoice: Invoice, settings) -> None:
    settings.KSEF_API_URL = ""
    assert tasks.configured_sender("5260250274") is None
    assert tasks.send_pending_invoices() == 0
    assert KsefSubmission.objects.get(invoice=invoice).state == KsefSubmission.State.PENDING


def test_authentication_with_a_wrong_ksef_token_fails_without_sending(fake: FakeKsef) -> None:
    auth = TokenAuth(fake.base_url, "not-the-token", "5260250274", sleep=lambda _: None)
    with pytest.raises(ksef.KsefUnavailable, match="ksef-token: HTTP 400"):
        auth()
    good = TokenAuth(fake.base_url, KSEF_TOKEN, "5260250274", sleep=lambda _: None)
    assert good() == TOKEN and good() == TOKEN
    assert fake.redeemed == 1  # the token is kept while valid


def test_the_verification_link_follows_kod_i(invoice: Invoice, settings) -> None:
    settings.KSEF_QR_URL = "https://qr-test.ksef.mf.gov.pl"
    digest = base64.urlsafe_b64encode(hashlib.sha256(invoice.xml.encode()).digest())
    assert qr.verification_url(invoice) == (
        f"https://qr-test.ksef.mf.gov.pl/invoice/{invoice.seller_tax_id}/"
        f"{invoice.issue_date:%d-%m-%Y}/{digest.decode().rstrip('=')}"
    )
    assert qr.svg(invoice).startswith("<svg")


def test_ksef_addresses_are_checked_at_start_up() -> None:
    from opiekun.env import ConfigError, Env

    assert Env({}).url("KSEF_API_URL", "") == ""
    read = Env({"KSEF_API_URL": "https://api-test.ksef.mf.gov.pl/v2/"}).url("KSEF_API_URL", "")
    assert read == "https://api-test.ksef.mf.gov.pl/v2"
    with pytest.raises(ConfigError, match="KSEF_API_URL"):
        Env({"KSEF_API_URL": "api.ksef.mf.gov.pl"}).url("KSEF_API_URL", "")
    with pytest.raises(ConfigError, match="KSEF_QR_URL"):
        Env({"KSEF_QR_URL": "http://qr"}).url("KSEF_QR_URL", "x", schemes=("https",))


def test_an_answer_outside_the_contract_leaves_the_invoice_waiting(
    fake: FakeKsef, invoice: Invoice, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The session opens without its upload addresses: the sender must not crash the task.
    real = fake._open

    def broken(req: dict[str, object]) -> tuple[str, object, str]:
        status, payload, kind = real(req)
        payload.pop("partUploadRequests")
        return status, payload, kind

    monkeypatch.setattr(fake, "_open", broken)
    assert tasks.send_pending(sender_for(fake)) == 0
    sub = KsefSubmission.objects.get(invoice=invoice)
    assert sub.state == KsefSubmission.State.PENDING
    assert sub.error.startswith("unexpected answer from KSeF")
