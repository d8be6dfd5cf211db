"""Money is exact on every database (issue 13): amounts are stored as integer grosz, so a
check such as ``gross = net + vat`` holds on SQLite as on PostgreSQL, and every amount
reads back to the grosz it was written as (R-PLN-1, R-REG-2)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from opiekun.catalog.models import Plan
from opiekun.catalog.tests.test_presets import TWELVE
from opiekun.contracts import actions as contract_actions
from opiekun.contracts.models import Contract, Statement
from opiekun.core.migration_ops import scale_columns
from opiekun.customers import actions as customer_actions
from opiekun.reports import statements
from opiekun.tariff.money import quantise, vat
from opiekun.testing.personas import Personas

pytestmark = pytest.mark.django_db
OCTOBER = dt.date(2026, 10, 1)

NETS = st.decimals(
    min_value=Decimal("0.00"), max_value=Decimal("99999999.99"), places=2, allow_nan=False
)
RATES = st.sampled_from([Decimal("0"), Decimal("5"), Decimal("8"), Decimal("23"), Decimal("7.7")])


def _contract(personas: Personas, plan_code: str, number: str, **kwargs: object) -> Contract:
    return contract_actions.record_active_contract(
        personas.org_a,
        Plan.objects.get(code=plan_code),
        number=number,
        starts_on=dt.date(2026, 1, 1),
        **kwargs,  # type: ignore[arg-type]
    )


def test_it_issues_the_ship_email_statement_with_its_vat(personas: Personas, presets: None) -> None:
    """The reported failure: 129.00 PLN net + 23 % VAT = 158.67 broke the check on SQLite."""
    statement = statements.issue(_contract(personas, "SHIP-EMAIL", "E/1"), OCTOBER)
    statement.refresh_from_db()
    assert (statement.net, statement.vat, statement.gross) == (
        Decimal("129.00"),
        Decimal("29.67"),
        Decimal("158.67"),
    )
    assert Statement.objects.filter(gross=Decimal("158.67")).get() == statement


# Every plan of the five seed vendors (the presets test keeps the list complete).
PRESET_PLANS = sorted(TWELVE)


@pytest.mark.parametrize("plan_code", PRESET_PLANS)
def test_it_issues_a_statement_for_every_preset_plan(
    personas: Personas, presets: None, plan_code: str
) -> None:
    # Individual plans have no list price: the contract carries an agreed one with grosze.
    plan = Plan.objects.get(code=plan_code)
    agreed = Decimal("1234.56") if plan.price_net is None else None
    statement = statements.issue(
        _contract(personas, plan_code, f"P/{plan_code}", seats=3, price_net=agreed), OCTOBER
    )
    statement.refresh_from_db()
    assert statement.gross == statement.net + statement.vat
    assert (statement.vat, statement.gross) == vat(statement.net, statement.vat_rate)
    lines_net = sum(
        (line.net for line in statement.lines.all() if line.net is not None), Decimal(0)
    )
    assert statement.net == quantise(lines_net)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(net=NETS, rate=RATES)
def test_any_net_and_rate_round_trip_to_the_grosz(
    personas: Personas, presets: None, net: Decimal, rate: Decimal
) -> None:
    """Property over random nets and rates, on whichever database the suite runs on."""
    tax, gross = vat(net, rate)
    with transaction.atomic():
        _round_trip(personas, net, rate, tax, gross)
        # Statements are append-only: each example leaves nothing behind.
        transaction.set_rollback(True)


def _round_trip(
    personas: Personas, net: Decimal, rate: Decimal, tax: Decimal, gross: Decimal
) -> None:
    stored = Statement.objects.create(
        number=f"X/{net}/{rate}",
        contract=_contract(personas, "SHIP-EMAIL", "R/1"),
        period_start=OCTOBER,
        vendor_name="V",
        organisation_name="O",
        plan_code="P",
        plan_name="P",
        currency="PLN",
        vat_rate=rate,
        net=net,
        vat=tax,
        gross=gross,
    )
    fresh = Statement.objects.get(pk=stored.pk)
    assert (fresh.net, fresh.vat, fresh.gross, fresh.vat_rate) == (net, tax, gross, rate)
    assert Statement.objects.filter(pk=stored.pk, gross=gross, net=net).exists()


def test_amounts_are_integers_in_the_database(personas: Personas, presets: None) -> None:
    statement = statements.issue(_contract(personas, "SHIP-EMAIL", "E/2"), OCTOBER)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT net, vat, gross FROM {Statement._meta.db_table} WHERE id = %s",  # noqa: S608
            [statement.pk],
        )
        assert cursor.fetchone() == (12900, 2967, 15867)


def test_the_statement_command_issues_ship_email(personas: Personas, presets: None) -> None:
    org = customer_actions.create_organisation("Mewa", "mewa-x")
    contract_actions.record_active_contract(
        org, Plan.objects.get(code="SHIP-EMAIL"), number="M/1", starts_on=dt.date(2026, 1, 1)
    )
    call_command("statement", "mewa-x", "2026-10")
    assert Statement.objects.get(contract__organisation=org).gross == Decimal("158.67")


@pytest.mark.django_db(transaction=True)
def test_the_migration_turns_stored_decimals_into_exact_integers() -> None:
    """What 0006_exact_decimals does to a database written before it: 158.67 becomes 15867
    grosz, 1.50 becomes 150, in one statement per table so gross = net + vat holds."""
    table = "exact_money_probe"
    with connection.schema_editor() as editor:
        editor.execute(
            f"CREATE TABLE {table} (net numeric(12, 2), vat numeric(12, 2), "
            "gross numeric(12, 2), factor numeric(4, 2))"
        )
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} VALUES (129.00, 29.67, 158.67, 1.50), "  # noqa: S608
                "(0.50, 0.25, 0.75, 2.00), (NULL, NULL, NULL, NULL)"
            )
        with connection.schema_editor() as editor:
            scale_columns(editor, table, ["net", "vat", "gross", "factor"], 100)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT net, vat, gross, factor FROM {table} ORDER BY net")  # noqa: S608
            rows = [tuple(None if v is None else int(v) for v in row) for row in cursor]
            # The scaled values are integral, whatever type the driver hands back.
            cursor.execute(f"SELECT count(*) FROM {table} WHERE gross = net + vat")  # noqa: S608
            consistent = cursor.fetchone()[0]
    finally:
        with connection.schema_editor() as editor:
            editor.execute(f"DROP TABLE {table}")
    assert sorted(rows, key=str) == sorted(
        [(12900, 2967, 15867, 150), (50, 25, 75, 200), (None, None, None, None)], key=str
    )
    assert consistent == 2
