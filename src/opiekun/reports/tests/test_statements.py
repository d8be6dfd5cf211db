"""Monthly statements (R-REG-2, R-CON-3, R-CON-4): lines, totals, immutability, exports."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone, translation

from opiekun.catalog.models import Plan
from opiekun.contracts import actions as contract_actions
from opiekun.contracts import banks
from opiekun.contracts.models import Contract, Statement
from opiekun.core.models import AppendOnlyError
from opiekun.reports import statements
from opiekun.testing.personas import Personas
from opiekun.tickets import actions

pytestmark = pytest.mark.django_db
W = ZoneInfo("Europe/Warsaw")
OCTOBER = dt.date(2026, 10, 1)


def at(day: int, hour: int = 10, month: int = 10) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, tzinfo=W)


@pytest.fixture
def ship_october(personas: Personas, presets: None) -> Contract:
    contract = contract_actions.record_active_contract(
        personas.org_a,
        Plan.objects.get(code="SHIP-START"),
        number="S/10",
        starts_on=dt.date(2026, 6, 1),
    )
    ticket = actions.open_ticket(
        personas.org_a,
        channel="email",
        subject='=HYPERLINK("http://x")',
        received_at=at(5),
        contact=personas.customer_a,
    )
    actions.log_work(
        ticket,
        staff=personas.agent,
        kind="phone",
        raw_minutes=17,
        started_at=at(5, 11),
        note="Konfiguracja kuriera",
    )
    actions.log_work(
        ticket,
        staff=personas.agent,
        kind="remote",
        raw_minutes=170,
        started_at=at(6, 11),
        note="+Zdalnie: etykiety",
    )
    actions.log_work(
        ticket, staff=personas.agent, kind="email", raw_minutes=20, started_at=at(7, 11)
    )
    return contract


def test_r_reg_2_the_statement_lists_fee_banks_overage_and_each_piece_of_work(
    ship_october: Contract,
) -> None:
    statement = statements.issue(ship_october, OCTOBER)
    lines = list(statement.lines.order_by("position"))
    kinds = [line.kind for line in lines]
    assert kinds == ["subscription", "bank", "bank", "overage", "work", "work", "work"]
    assert (lines[0].description, lines[0].net) == ("START", Decimal("399.00"))
    # Phone 17 -> 30, remote 170 -> 180: 180 from the allotment, 30 beyond at 165 PLN/h.
    allotment = next(line for line in lines if "monthly allotment" in line.description)
    assert allotment.description == "Used from the monthly allotment 2026-10: 180 min"
    overage = next(line for line in lines if line.kind == "overage")
    assert (overage.quantity, overage.unit_price, overage.net) == (
        Decimal("0.50"),
        Decimal("165.00"),
        Decimal("82.50"),
    )
    work = [line for line in lines if line.kind == "work"]
    assert [(w.work_kind, w.raw_minutes, w.billable_minutes) for w in work] == [
        ("phone", 17, 30),
        ("remote", 170, 180),
        ("email", 20, 25),
    ]
    assert work[1].bank == "monthly allotment 2026-10 150 min, beyond the banks 30 min"
    assert work[2].bank == "not drawn"
    assert (statement.net, statement.vat, statement.gross) == (
        Decimal("481.50"),
        Decimal("110.75"),
        Decimal("592.25"),
    )
    assert (statement.vat_rate, statement.plan_name, statement.organisation_name) == (
        Decimal("23.00"),
        "START",
        "Firma A",
    )
    assert statement.number.startswith("ST/2026/")


def test_r_reg_2_an_issued_statement_never_changes(ship_october: Contract) -> None:
    statement = statements.issue(ship_october, OCTOBER)
    Plan.objects.filter(code="SHIP-START").update(name="START 2027", hourly_rate_net=Decimal("999"))
    statement.refresh_from_db()
    assert statement.plan_name == "START"  # copied when issued
    with pytest.raises(AppendOnlyError):
        statement.save()
    with pytest.raises(AppendOnlyError):
        statement.lines.first().delete()  # type: ignore[union-attr]
    # Issuing the month again is the same document (issue 17), not a second one.
    assert statements.issue(ship_october, OCTOBER).pk == statement.pk
    correction = statements.issue(ship_october, OCTOBER, corrects=statement)
    assert correction.corrects == statement
    assert correction.number != statement.number
    assert correction.hourly_rate_net == Decimal("999.00")  # the rate now in force


def test_a_month_that_is_not_over_has_no_statement(ship_october: Contract) -> None:
    with pytest.raises(statements.StatementError, match="is not over yet"):
        statements.issue(ship_october, timezone.localdate())


def test_r_con_3_care_activated_in_april_pays_the_update_for_three_months(
    personas: Personas, presets: None
) -> None:
    quote = contract_actions.create_quote(
        personas.org_a,
        Plan.objects.get(code="KJM-CARE"),
        number="C/1",
        price_net=Decimal("650.00"),
        annual_update_price_net=Decimal("1200.00"),
    )
    care = contract_actions.accept_quote(quote, accepted_on=dt.date(2026, 3, 20))
    april = statements.issue(care, dt.date(2026, 4, 1))
    update = april.lines.get(kind="update")
    assert (update.description, update.net) == (
        "Annual update 2026: 3/12 without care",
        Decimal("300.00"),
    )
    assert april.net == Decimal("950.00")
    may = statements.issue(care, dt.date(2026, 5, 1))
    assert not may.lines.filter(kind="update").exists()


def test_r_con_4_out_of_hours_emergencies_under_basic_care_are_billed_at_the_rate(
    personas: Personas, presets: None
) -> None:
    care = contract_actions.record_active_contract(
        personas.org_a,
        Plan.objects.get(code="KJM-CARE"),
        number="C/2",
        starts_on=dt.date(2026, 1, 1),
    )
    Contract.objects.filter(pk=care.pk).update(hourly_rate_net=Decimal("200.00"))
    ticket = actions.open_ticket(
        personas.org_a,
        channel="email",
        subject="awaria",
        severity="critical",
        received_at=at(14, 20),
    )
    actions.log_work(
        ticket,
        staff=personas.agent,
        kind="remote",
        raw_minutes=40,
        started_at=at(14, 20),
        emergency=True,
    )
    statement = statements.issue(care, OCTOBER)
    emergency = statement.lines.get(kind="emergency")
    assert (emergency.quantity, emergency.net) == (
        Decimal("1.00"),
        Decimal("200.00"),
    )  # 40 -> 60 min


def test_exports_are_read_back_and_neutralise_formulas(
    ship_october: Contract, tmp_path: Path
) -> None:
    statement = statements.issue(ship_october, OCTOBER)
    rows = list(csv.reader(io.StringIO(statements.export(statement, "csv").decode("utf-8-sig"))))
    assert rows[0][:3] == ["#", "kind", "date"]
    assert rows[-1][-1] == "592.25"
    work_descriptions = [r[8] for r in rows if r[1] == "work"]
    assert "'+Zdalnie: etykiety" in work_descriptions
    assert '\'=HYPERLINK("http://x")' in work_descriptions
    path = tmp_path / "s.xlsx"
    path.write_bytes(statements.export(statement, "xlsx"))
    sheet = openpyxl.load_workbook(path).active
    values = list(sheet.iter_rows(min_row=2, values_only=True))
    first_work = next(v for v in values if v[1] == "work")
    assert first_work[2] == dt.datetime(2026, 10, 5, tzinfo=None)  # noqa: DTZ001 - Excel cells are naive
    assert (first_work[5], first_work[6]) == (17, 30)  # numbers, not text
    assert values[-1][-1] == pytest.approx(592.25)
    assert all(not (isinstance(c, str) and c.startswith("=")) for v in values for c in v)


def test_the_statement_command_issues_once_and_writes_the_file(
    ship_october: Contract, tmp_path: Path
) -> None:
    out = tmp_path / "october.xlsx"
    call_command(
        "statement", "firma-a", "2026-10", "--format", "xlsx", "-o", str(out), stderr=io.StringIO()
    )
    call_command(
        "statement", "firma-a", "2026-10", "--format", "xlsx", "-o", str(out), stderr=io.StringIO()
    )
    assert Statement.objects.count() == 1
    assert out.read_bytes()[:2] == b"PK"
    # In the installation's language, whatever an earlier test's request left active.
    with translation.override("pl"), pytest.raises(CommandError, match="nie jest miesiącem"):
        call_command("statement", "firma-a", "2026/10")
    with pytest.raises(CommandError, match="no contract in force in 2025-10"):
        call_command("statement", "firma-a", "2025-10")


def test_the_hours_commands(ship_october: Contract) -> None:
    out = io.StringIO()
    call_command("hours", "balance", "firma-a", stdout=out)
    text = out.getvalue()
    assert "monthly allotment 2026-10: 0 min left" in text
    assert "2026-10-05 11:00 use          -30  work on" in text
    assert "2026-10-06 11:00 use         -150  work on" in text
    # 480 of October's guarantee counter less 25 of e-mail, and today's month's banks,
    # granted when the contract was recorded (issue 17).
    this_month = banks.local_midnight(timezone.localdate().replace(day=1))
    today_banks = ship_october.banks.filter(valid_from=this_month)
    assert today_banks.exists()
    assert f"total left: {455 + sum(map(banks.balance, today_banks))} min" in text
    with pytest.raises(CommandError, match="unknown plan 'NOPE'") as exc:
        call_command("hours", "bill", "--plan", "NOPE", "--kind", "phone", "--minutes", "5")
    assert exc.value.returncode == 2
    with pytest.raises(CommandError, match="unknown organisation 'nobody'"):
        call_command("hours", "balance", "nobody")
