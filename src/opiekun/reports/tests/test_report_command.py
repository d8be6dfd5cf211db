"""`opiekun report ...` from the command line: the register in three formats, the
reports as CSV/XLSX, and `verify` answering by its exit code."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from opiekun.testing.personas import Personas
from opiekun.testing.plugin import IN_CI

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("report", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_the_register_in_each_format_and_verify(office: Personas, tmp_path: Path) -> None:
    for fmt in ("csv", "xlsx", "pdf"):
        target = tmp_path / f"rejestr.{fmt}"
        try:
            run("register", "firma-a", "--period", "2026-10", "--format", fmt, "-o", str(target))
        except CommandError as exc:  # only PDF may be unavailable, and only off CI
            assert fmt == "pdf" and "Pango" in str(exc) and not IN_CI
            continue
        assert target.stat().st_size > 0
        assert "VERIFIED" in run("verify", str(target)).splitlines()[-1]
    rows = list(csv.reader(io.StringIO((tmp_path / "rejestr.csv").read_text("utf-8-sig"))))
    assert "Gdzie jest rejestr decyzji?" in [r[4] for r in rows]
    forged = tmp_path / "forged.csv"
    forged.write_text((tmp_path / "rejestr.csv").read_text("utf-8-sig").replace("17", "7"))
    with pytest.raises(SystemExit) as exited:
        run("verify", str(forged))
    assert exited.value.code == 1


def test_bad_input_is_named(office: Personas, tmp_path: Path) -> None:
    out = str(tmp_path / "x.csv")
    with pytest.raises(CommandError, match="org: unknown organisation 'nobody'"):
        run("register", "nobody", "--period", "2026-10", "--format", "csv", "-o", out)
    with pytest.raises(CommandError, match="period: 'październik' nie jest miesiącem"):
        run("register", "firma-a", "--period", "październik", "--format", "csv", "-o", out)
    with pytest.raises(CommandError, match="contract: firma-a has no contract 'X/1'"):
        run("register", "firma-a", "--period", "2026-10", "--contract", "X/1", "-o", out)
    with pytest.raises(CommandError, match=r"file: .* does not exist"):
        run("verify", str(tmp_path / "missing.pdf"))
    assert not Path(out).exists()


def test_the_reports_as_csv_and_xlsx(office: Personas, tmp_path: Path) -> None:
    sla_csv = run("sla", "--from", "2026-09", "--to", "2026-10").lstrip("\ufeff")
    sla = list(csv.reader(io.StringIO(sla_csv)))
    assert sla[0][:3] == ["plan", "organizacja", "miesiąc"]  # the desk's language, Polish
    assert {(r[1], r[2]) for r in sla[1:]} >= {("Firma A", "2026-09"), ("Firma A", "2026-10")}
    run("work", "--period", "2026-10", "--format", "xlsx", "-o", str(tmp_path / "w.xlsx"))
    sheet = load_workbook(tmp_path / "w.xlsx").worksheets[0]
    assert [c.value for c in sheet[2]] == ["Alicja Agent", 1, 1, 17, 17]
    backlog = run("backlog").lstrip("\ufeff").splitlines()
    assert backlog[0].startswith("wiek,") and backlog[-1].startswith("> 30 d,")
    hours = run("hours", "--period", "2026-10").lstrip("\ufeff")
    assert hours.startswith("organizacja,pula")
