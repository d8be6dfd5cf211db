"""No input gives a 5xx (issue 13), for the pages, the commands and the files: a month
outside 2000-01..2099-12 is refused by name, and an export drops what its format cannot
hold instead of failing."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from openpyxl import load_workbook

from opiekun.core import exports
from opiekun.reports import documents, register
from opiekun.testing.personas import Personas
from opiekun.tickets.models import Ticket

pytestmark = pytest.mark.django_db


def client_of(p: Personas, who: str) -> Client:
    client = Client()
    client.force_login(p.user(who))
    return client


@pytest.mark.parametrize("period", ["9999-12", "0001-01"])
def test_it_refuses_a_month_outside_the_window_on_every_page(office: Personas, period: str) -> None:
    agent = client_of(office, "agent")
    form = agent.get(
        "/console/reports/register", {"organisation": str(office.org_a.pk), "period": period}
    )
    assert form.status_code == 200
    assert "2099-12" in form.content.decode()  # the form says which months it takes
    for key in ("sla", "hours", "work"):
        page = agent.get(
            f"/console/reports/{key}/", {"from": period, "to": period, "period": period}
        )
        assert page.status_code == 200, key
        exported = agent.get(f"/console/reports/{key}/", {"period": period, "format": "xlsx"})
        assert exported.status_code == 200, key
    assert agent.get("/console/dashboards/", {"month": period}).status_code == 200
    customer = client_of(office, "customer_a")
    assert customer.get("/portal/register/", {"period": period}).status_code == 200
    assert customer.get("/portal/register/", {"period": period, "format": "csv"}).status_code in (
        200,
        302,
    )
    with pytest.raises(register.RegisterError, match=r"^period: .*2099-12"):
        register.parse_period(period)


def run(command: str, *args: str) -> None:
    call_command(command, *args, stdout=io.StringIO(), stderr=io.StringIO())


def test_the_commands_name_a_bad_period_or_moment_instead_of_a_traceback(
    office: Personas, tmp_path: Path
) -> None:
    out = str(tmp_path / "r.csv")
    with pytest.raises(CommandError, match=r"^period: '9999-12'"):
        run("report", "register", "firma-a", "--period", "9999-12", "--format", "csv", "-o", out)
    with pytest.raises(CommandError, match=r"^period: '0001-01'"):
        run("report", "hours", "--period", "0001-01")
    with pytest.raises(CommandError, match=r"^--to: '9999-12'"):
        run("report", "sla", "--from", "2026-01", "--to", "9999-12")
    with pytest.raises(CommandError, match=r"^month: '9999-12'"):
        run("statement", "firma-a", "9999-12")
    with pytest.raises(CommandError, match=r"^--received: .*2100"):
        run("sla", "due", "--plan", "EKS-HOTLINE", "--received", "9999-12-31T23:59:59-14:00")
    with pytest.raises(CommandError, match=r"^--minutes: "):
        run("hours", "bill", "--plan", "EKS-HOTLINE", "--kind", "phone", "--minutes", "100000000")
    assert not Path(out).exists()


def test_an_export_drops_the_control_characters_xlsx_cannot_hold(office: Personas) -> None:
    # An older row (or one from e-mail) with a vertical tab pasted from Word and an escape.
    Ticket.objects.filter(subject="Gdzie jest rejestr decyzji?").update(
        subject="Gdzie\x0bjest rejestr\x1b decyzji?"
    )
    made = register.build(office.org_a, register.parse_period("2026-10"))
    for fmt in ("xlsx", "csv"):
        data = documents.render(made, fmt)
        text = (
            " ".join(
                str(c.value)
                for row in load_workbook(io.BytesIO(data)).worksheets[0].iter_rows()
                for c in row
            )
            if fmt == "xlsx"
            else data.decode("utf-8-sig")
        )
        assert "Gdziejest rejestr decyzji?" in text, fmt
    agent = client_of(office, "agent")
    download = agent.post(
        "/console/reports/register",
        {"organisation": str(office.org_a.pk), "period": "2026-10", "format": "xlsx"},
    )
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment;")
    sheet = exports.to_xlsx("t\x00", ["a\x01"], [["\x00=1+1", 1, None]])
    rows = load_workbook(io.BytesIO(sheet)).worksheets[0].iter_rows(values_only=True)
    cells = [value for row in rows for value in row if value is not None]
    assert cells == ["a", "'=1+1", 1]  # dropped, and still neutralised
