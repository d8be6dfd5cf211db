"""Issue 21, item 1: the statement a foreign buyer approves already says what the
e-invoice made of it will say. An EU VAT payer (np II, reverse charge) and a buyer
outside the EU (np I) are charged no Polish VAT on the statement either, so the
statement's gross and the invoice's agree to the grosz; a Polish buyer, or one with no
tax id, pays the statement's rate as before. The statement keeps the treatment, shows it
in the console, the portal, its file and the API."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from django.conf import settings
from django.test import Client

from opiekun.contracts.models import Contract, Statement
from opiekun.customers.models import Organisation
from opiekun.invoicing import actions, schema
from opiekun.invoicing.tests.conftest import OCTOBER, Approve, october_of
from opiekun.reports import drafts
from opiekun.reports import statements as statement_actions
from opiekun.staff.models import StaffMember
from opiekun.tariff import taxation
from opiekun.testing.personas import Personas
from opiekun.testing.signin import verified_login

pytestmark = pytest.mark.django_db

BUYERS = [
    ("DE136695976", taxation.NP_EU),
    ("EL094259216", taxation.NP_EU),
    ("GB980780684", taxation.NP_OUTSIDE),
    ("5260250274", taxation.DOMESTIC),
    ("", taxation.DOMESTIC),
]


def statement_of(personas: Personas, tax_id: str) -> Statement:
    Organisation.objects.filter(pk=personas.org_a.pk).update(tax_id=tax_id, address="Street 1")
    contract = october_of("SHIP-START", personas, number=f"V/{tax_id or 'none'}")
    return statement_actions.issue(contract, OCTOBER)


def managers_client(personas: Personas) -> Client:
    member = personas.account_manager
    StaffMember.objects.filter(pk=member.pk).update(is_manager=True)
    client = Client()
    verified_login(client, member.user)
    return client


def test_the_pure_list_of_eu_prefixes_is_the_schemas() -> None:
    assert schema.eu_prefixes() == taxation.EU_VAT_PREFIXES


@pytest.mark.parametrize(("tax_id", "treatment"), BUYERS)
def test_issue_21_the_statement_and_its_invoice_agree_to_the_grosz(
    personas: Personas, sellers: None, approve: Approve, tax_id: str, treatment: str
) -> None:
    statement = statement_of(personas, tax_id)
    assert statement.net > 0
    assert statement.vat_treatment == treatment
    if treatment == taxation.DOMESTIC:
        assert statement.vat_rate == settings.VAT_RATE_PERCENT
        assert statement.vat == (statement.net * statement.vat_rate / 100).quantize(Decimal("0.01"))
    else:
        assert (statement.vat_rate, statement.vat, statement.gross) == (0, 0, statement.net)
    invoice = actions.issue(approve(statement))
    assert (invoice.net, invoice.vat, invoice.gross) == (
        statement.net,
        statement.vat,
        statement.gross,
    )


def test_the_draft_says_what_the_statement_will(personas: Personas, sellers: None) -> None:
    Organisation.objects.filter(pk=personas.org_a.pk).update(tax_id="DE136695976")
    contract = october_of("SHIP-START", personas, number="V/draft")
    made = drafts.draft(Contract.objects.get(pk=contract.pk), OCTOBER)
    assert (made.vat_treatment, made.vat_rate, made.vat_and_gross) == (
        taxation.NP_EU,
        0,
        (Decimal("0.00"), made.net),
    )


def test_the_treatment_shows_on_every_face_of_the_statement(
    personas: Personas, sellers: None
) -> None:
    statement = statement_of(personas, "DE136695976")
    manager = managers_client(personas)
    customer = Client()
    customer.force_login(personas.user("customer_a"))
    # Staff read in the language they ask for; the customer in the one of their account.
    for lang, words in (("en", "reverse charge (np II)"), ("pl", "odwrotne obciążenie (np II)")):
        page = manager.get(
            f"/console/statements/{statement.pk}/", HTTP_ACCEPT_LANGUAGE=lang
        ).content.decode()
        assert words in page and "VAT 23" not in page, lang
    page = customer.get(f"/portal/statements/{statement.pk}/").content.decode()
    assert "odwrotne obciążenie (np II)" in page and "VAT 23" not in page
    rows = list(
        csv.reader(io.StringIO(statement_actions.export(statement, "csv").decode("utf-8-sig")))
    )
    assert any("VAT np II (reverse charge" in cell for row in rows for cell in row)
    got = manager.get(f"/api/v1/statements/{statement.pk}").json()
    assert (got["vat_treatment"], got["vat_rate"], got["vat"]) == ("np II", "0.00", "0.00")
    outsider = Client()
    outsider.force_login(personas.outsider)
    assert outsider.get(f"/portal/statements/{statement.pk}/").status_code == 404
    assert outsider.get(f"/api/v1/statements/{statement.pk}").status_code == 404
