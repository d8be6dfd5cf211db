"""The demo a newcomer gets from `make run`."""

from pathlib import Path

import pytest
from django.contrib.auth import authenticate
from django.test import RequestFactory

from opiekun.contracts.models import Contract
from opiekun.customers.models import ContactPhone, Organisation
from opiekun.demo import load as demo
from opiekun.tickets.models import Ticket

pytestmark = pytest.mark.django_db


def test_it_creates_the_demo_once(presets: None) -> None:
    first = demo.load_demo()
    assert first["created"] > 0
    counts = (Organisation.objects.count(), Contract.objects.count(), Ticket.objects.count())
    assert demo.load_demo()["created"] == 0
    assert (
        Organisation.objects.count(),
        Contract.objects.count(),
        Ticket.objects.count(),
    ) == counts


def test_every_printed_login_works(presets: None) -> None:
    demo.load_demo()
    for login in demo.staff_logins() + demo.customer_logins():
        # django-axes needs the request it counts attempts by.
        request = RequestFactory().post("/login/")
        user = authenticate(request, username=login.username, password=login.password)
        assert user is not None, login


def test_each_organisation_has_an_account_manager_a_contract_and_a_known_phone(
    presets: None,
) -> None:
    demo.load_demo()
    for org in Organisation.objects.all():
        assert org.account_manager is not None
        assert org.account_manager.is_account_manager
        assert org.contracts.filter(status="active").exists()
        assert ContactPhone.objects.filter(contact__organisation=org).exists()
    plans = set(Contract.objects.values_list("plan__code", flat=True))
    assert {
        "KJM-CARE",
        "KJM-PACKAGE",
        "SHIP-START",
        "EKS-HOTLINE",
        "PWSK-SUPERVISION",
        "MER-SOS",
    } <= plans


def test_the_demo_has_articles_a_forum_thread_and_a_statement_to_approve(
    presets: None,
) -> None:
    from opiekun.contracts.models import Statement
    from opiekun.knowledge.models import Article, ForumThread

    demo.load_demo()
    assert Article.objects.filter(status="published").count() == 3
    thread = ForumThread.objects.get()
    assert thread.accepted_post is not None and thread.author.full_name == "Marek Mewa"
    statement = Statement.objects.get()  # October is over: Mewa's statement is issued
    assert statement.organisation_name == "Sklep Wysyłkowy Mewa"
    assert statement.lines.filter(kind="work").count() == 2


def test_gap_2_the_demo_can_be_invoiced_seller_and_buyers_have_a_nip(
    presets: None, tmp_path: Path
) -> None:
    from django.core.management import call_command
    from stdnum.pl import nip

    demo.load_demo()
    for org in Organisation.objects.all():
        assert nip.is_valid(org.tax_id), org.short_name
    # `opiekun invoice mewa 2026-10` stopped at "sprzedawca: SHIP nie ma NIP".
    from opiekun.contracts.models import Statement
    from opiekun.reports import statements

    mewa = Organisation.objects.get(short_name="mewa")
    statement = Statement.objects.get(contract__organisation=mewa, period_start__month=10)
    statements.approve(statement, contact=mewa.contacts.get())
    call_command("invoice", "mewa", "2026-10", "-o", str(tmp_path / "fa.xml"))
    assert "<NIP>1111111045</NIP>" in (tmp_path / "fa.xml").read_text()
