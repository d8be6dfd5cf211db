"""Issue 21, item 1 (a gap of ADR 0030): KSeF credentials per vendor, stored encrypted
with the secret box, set by a support manager in the console and by the API, never
shown back in full; the sender presents the seller's vendor's token. Others get 404."""

from __future__ import annotations

import json
from functools import partial

import pytest
from django.db import connection
from django.test import override_settings

from opiekun.catalog.models import Vendor
from opiekun.core.models import AuditEvent
from opiekun.customers.models import Organisation
from opiekun.invoicing import ksef, settings_actions, tasks
from opiekun.invoicing.ksef_auth import TokenAuth
from opiekun.invoicing.models import Invoice, KsefSubmission, VendorInvoicing
from opiekun.invoicing.tests.conftest import Approve, issued_invoice
from opiekun.invoicing.tests.test_issue_on_approval import OTHERS, client_of
from opiekun.testing.ksef_fake import KSEF_TOKEN, FakeKsef
from opiekun.testing.personas import Personas

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]
SECRET = "20261201-EC-0123456789ABCDEF|nip-5260250274|" + "f" * 64


@pytest.fixture
def vendor(sellers: None) -> Vendor:
    return Vendor.objects.get(code="ship")


def test_issue_21_item_1_the_token_is_stored_encrypted_and_audited_without_it(
    vendor: Vendor,
) -> None:
    settings_actions.set_ksef_token(vendor, f"  {SECRET} ")
    with connection.cursor() as cursor:
        table = VendorInvoicing._meta.db_table
        cursor.execute(f"SELECT ksef_token FROM {table}")  # noqa: S608 (our table)
        (stored,) = cursor.fetchone()
    assert SECRET not in stored and stored.startswith("fernet:")
    assert VendorInvoicing.objects.get(vendor=vendor).ksef_token == SECRET
    event = AuditEvent.objects.get(kind="vendor.ksef_token_set")
    assert SECRET not in json.dumps(event.data) and event.data["shown"] == "…" + SECRET[-4:]
    assert settings_actions.ksef_token_for(vendor.tax_id) == SECRET
    settings_actions.set_ksef_token(vendor, "")
    assert settings_actions.ksef_token_for(vendor.tax_id) == ""
    assert AuditEvent.objects.filter(kind="vendor.ksef_token_removed").count() == 1


def test_issue_21_item_1_a_manager_sets_the_token_in_the_console_never_shown_back(
    personas: Personas, vendor: Vendor
) -> None:
    page = f"/console/vendors/{vendor.pk}/invoicing"
    post = f"{page}/ksef-token"
    for who in OTHERS:
        client = client_of(personas, who)
        assert client.post(post, {"ksef_token": SECRET}).status_code == 404, who
    assert not VendorInvoicing.objects.exists()
    client = client_of(personas, "manager")
    assert client.post(post, {"ksef_token": SECRET}).status_code == 302
    shown = client.get(page).content.decode()
    assert SECRET not in shown and SECRET[:-4] not in shown and "…" + SECRET[-4:] in shown
    # A token with a space is refused by name; the stored one stays.
    refused = client.post(post, {"ksef_token": "a b"}, follow=True).content.decode()
    assert "ksef_token" in refused
    assert settings_actions.of(vendor).ksef_token == SECRET
    client.post(post, {"remove": "1"})
    assert settings_actions.of(vendor).ksef_token == ""


def test_issue_21_item_1_a_manager_sets_the_token_by_the_api_never_shown_back(
    personas: Personas, vendor: Vendor
) -> None:
    url = "/api/v1/vendors/ship/ksef-token"
    body = json.dumps({"ksef_token": SECRET})
    for who in OTHERS:
        client = client_of(personas, who)
        assert client.put(url, body, content_type="application/json").status_code == 404, who
        assert client.get("/api/v1/vendors/ship/invoicing").status_code == 404, who
    client = client_of(personas, "manager")
    answer = client.put(url, body, content_type="application/json")
    assert answer.status_code == 200 and SECRET not in answer.content.decode()
    assert answer.json()["ksef_token"] == "…" + SECRET[-4:]
    read = client.get("/api/v1/vendors/ship/invoicing").content.decode()
    assert SECRET not in read and SECRET[-4:] in read
    spaced = client.put(url, json.dumps({"ksef_token": "a b"}), content_type="application/json")
    assert spaced.status_code == 400 and spaced.json()["field"] == "ksef_token"
    long = json.dumps({"ksef_token": "x" * 1001})
    assert client.put(url, long, content_type="application/json").status_code == 422
    assert settings_actions.of(vendor).ksef_token == SECRET


@pytest.fixture
def invoice(personas: Personas, buyer: Organisation, approve: Approve) -> Invoice:
    made: Invoice = issued_invoice(personas, approve, "S/T")
    return made


@pytest.fixture
def no_waiting(monkeypatch: pytest.MonkeyPatch) -> None:
    # The configured sender, with the fake's polls answered without sleeping.
    monkeypatch.setattr(tasks, "TokenAuth", partial(TokenAuth, sleep=lambda _: None))
    monkeypatch.setattr(ksef, "BatchSender", partial(ksef.BatchSender, sleep=lambda _: None))


@pytest.mark.usefixtures("no_waiting")
def test_issue_21_item_1_the_sender_presents_the_vendors_token_over_the_installations(
    fake: FakeKsef, invoice: Invoice
) -> None:
    vendor = invoice.statement.contract.plan.vendor
    with override_settings(KSEF_API_URL=fake.base_url, KSEF_TOKEN="not-the-token"):
        # Without the vendor's token the installation's (wrong) one is tried: refused.
        assert tasks.send_pending() == 0
        assert KsefSubmission.objects.get(invoice=invoice).state == KsefSubmission.State.PENDING
        settings_actions.set_ksef_token(vendor, KSEF_TOKEN)
        assert tasks.send_pending() == 1
    assert KsefSubmission.objects.get(invoice=invoice).state == KsefSubmission.State.ACCEPTED


def test_issue_21_item_1_a_seller_with_no_token_anywhere_waits(invoice: Invoice) -> None:
    with override_settings(KSEF_API_URL="http://127.0.0.1:9/v2", KSEF_TOKEN=""):
        assert tasks.configured_sender(invoice.seller_tax_id) is None
        assert tasks.send_pending() == 0
    assert KsefSubmission.objects.get(invoice=invoice).state == KsefSubmission.State.PENDING
