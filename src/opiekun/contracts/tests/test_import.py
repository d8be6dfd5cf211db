"""Importing customers from a spreadsheet (issue 17, item 8): every row's errors in a
dry run and nothing written until all are right; then one transaction through the
actions, with licence dates recorded from the import."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from openpyxl import Workbook

from opiekun.contracts.imports import actions as imports
from opiekun.contracts.imports import reading
from opiekun.contracts.models import Contract, LicenceEvent
from opiekun.customers.models import Contact, ContactPhone, Organisation

pytestmark = pytest.mark.django_db

HEADER = ";".join(reading.COLUMNS)
GOOD = [
    "alfa;Alfa sp. z o.o.;company;526-025-02-74;biuro@alfa.example;22 123 45 67;"
    "Anna Nowak;anna@alfa.example;601 234 567;K/2024/1;KJM-CARE;2024-01-01;3;1200,00;;",
    "alfa;;;;;;Jan Kowalski;jan@alfa.example jan2@alfa.example;+48 602 345 678, 22 765 43 21"
    ";;;;;;;",
    "beta;Urząd Gminy Beta;urząd;;;;Ewa Zając;ewa@beta.example;;P/7;PWSK-BASIC;01.03.2024;1;;"
    "15.03.2024;10.01.2025",
    "gamma;Gamma;;;;;;;;;;;;;;",
]


def _csv(lines: list[str], encoding: str = "utf-8") -> bytes:
    return ("\r\n".join([HEADER, *lines]) + "\r\n").encode(encoding)


def test_a_clean_file_imports_organisations_contacts_contracts_and_licence_dates(presets: None):
    outcome = imports.run(_csv(GOOD), "klienci.csv", dry_run=False)

    assert outcome.problems == []
    assert outcome.imported
    alfa = Organisation.objects.get(short_name="alfa")
    assert alfa.tax_id == "5260250274"
    assert alfa.phone == "+48221234567"
    beta = Organisation.objects.get(short_name="beta")
    assert beta.kind == Organisation.Kind.PUBLIC_OFFICE
    jan = Contact.objects.get(full_name="Jan Kowalski")
    assert sorted(e.address for e in jan.emails.all()) == ["jan2@alfa.example", "jan@alfa.example"]
    assert sorted(ContactPhone.objects.filter(contact=jan).values_list("number", flat=True)) == [
        "+48227654321",
        "+48602345678",
    ]
    care = Contract.objects.get(number="K/2024/1")
    assert (care.status, care.seats, str(care.price_net)) == ("active", 3, "1200.00")
    pwsk = Contract.objects.get(number="P/7")
    assert pwsk.starts_on == dt.date(2024, 3, 1)
    assert pwsk.licence_purchased_on == dt.date(2024, 3, 15)
    assert pwsk.last_update_on == dt.date(2025, 1, 10)
    assert set(LicenceEvent.objects.values_list("source", flat=True)) == {"import"}
    assert Organisation.objects.filter(short_name="gamma").exists()


def test_a_dry_run_writes_nothing_and_counts_what_would_be_imported(presets: None):
    outcome = imports.run(_csv(GOOD), "klienci.csv", dry_run=True)

    assert outcome.problems == []
    assert not outcome.imported
    assert (outcome.organisations, outcome.contacts, outcome.contracts) == (3, 3, 2)
    assert not Organisation.objects.exists()


def test_every_rows_errors_are_listed_with_row_and_column_and_nothing_is_written(presets: None):
    bad = [
        *GOOD[:1],
        "delta;Delta;;123;zly-adres;abc;;;;D/1;NOPLAN;2024-13-01;zero;-5;;",
        "epsilon;Epsilon;;;;;Olga;anna@alfa.example;;E/1;KJM-CARE;2024-01-01;;;2024-01-01;",
        "alfa;Inna nazwa;;;;;;;;;;;;;;",
        ";Bez skrótu;;;;;;;;;;;;;;",
    ]
    outcome = imports.run(_csv(bad), "klienci.csv", dry_run=False)

    found = {(p.row, p.column) for p in outcome.problems}
    assert {
        (3, "tax_id"),
        (3, "organisation_email"),
        (3, "organisation_phone"),
        (3, "plan"),
        (3, "starts_on"),
        (3, "seats"),
        (3, "price_net"),
        (4, "contact_emails"),  # the same address as row 2
        (4, "licence_purchased_on"),  # KJM care does not count licence dates
        (5, "organisation_name"),  # differs from row 2
        (6, "organisation"),
    } <= found
    assert all(p.message for p in outcome.problems)
    assert not outcome.imported
    assert not Organisation.objects.exists()


def test_what_exists_already_is_an_error_of_its_row(presets: None):
    imports.run(_csv(GOOD[:1]), "a.csv", dry_run=False)

    again = imports.run(_csv(GOOD[:1]), "a.csv", dry_run=True)

    columns = {p.column for p in again.problems if p.row == 2}
    assert {"organisation", "contract_number", "contact_emails"} <= columns


def test_polish_messages_for_a_polish_reader(presets: None):
    from django.utils import translation

    with translation.override("pl"):
        outcome = imports.run(_csv(["delta;Delta;;;;;;;;D/1;KJM-CARE;;;;;"]), "a.csv", dry_run=True)

    assert [p.column for p in outcome.problems] == ["starts_on"]
    assert outcome.problems[0].message == "ta kolumna jest tu wymagana"


@pytest.mark.parametrize(
    ("encoding", "separator", "bom"),
    [("utf-8", ";", False), ("utf-8", ",", True), ("cp1250", ";", False)],
)
def test_csv_charsets_and_separators(presets: None, encoding: str, separator: str, bom: bool):
    lines = [HEADER, "zeta;Zakład Żółć;urząd;;;;Łucja Źrebięta;;;;;;;;;"]
    text = "\r\n".join(line.replace(";", separator) for line in lines)
    data = ("\ufeff" if bom else "").encode("utf-8") + text.encode(encoding)

    outcome = imports.run(data, "k.csv", dry_run=False)

    assert outcome.problems == []
    assert Organisation.objects.get(short_name="zeta").name == "Zakład Żółć"
    assert Contact.objects.get().full_name == "Łucja Źrebięta"


def test_xlsx_with_date_cells(presets: None):
    book = Workbook()
    sheet = book.active
    sheet.append(list(reading.COLUMNS))
    sheet.append(
        [
            "omega",
            "Omega",
            "",
            "",
            "",
            "",
            "Piotr",
            "piotr@omega.example",
            "",
            "O/1",
            "KJM-CARE",
            dt.datetime(2024, 2, 1),  # noqa: DTZ001 - a spreadsheet's date cell has no zone
            2,
            99.5,
            None,
            None,
        ]
    )
    buffer = io.BytesIO()
    book.save(buffer)

    outcome = imports.run(buffer.getvalue(), "k.xlsx", dry_run=False)

    assert outcome.problems == []
    contract = Contract.objects.get(number="O/1")
    assert (contract.starts_on, contract.seats, str(contract.price_net)) == (
        dt.date(2024, 2, 1),
        2,
        "99.50",
    )


def _workbook() -> bytes:
    book = Workbook()
    book.active.append(list(reading.COLUMNS))
    book.active.append(["omega", "Omega"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_an_xlsx_that_unpacks_too_large_is_refused_before_reading(db: None, monkeypatch):
    monkeypatch.setattr(reading, "MAX_UNPACKED_BYTES", 1000)

    outcome = imports.run(_workbook(), "bomba.xlsx", dry_run=True)

    assert [p.column for p in outcome.problems] == ["file"]
    assert "1000" in outcome.problems[0].message


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (b"", "k.csv"),
        (b"PK\x03\x04broken", "k.xlsx"),
        (b"organisation;colour\r\nalfa;red\r\n", "k.csv"),
        (b"name\r\nalfa\r\n", "k.csv"),
        (b"x" * (reading.MAX_FILE_BYTES + 1), "k.csv"),
        ((HEADER + "\r\n" + "a;;;;;;;;;;;;;;;\r\n" * (reading.MAX_ROWS + 1)).encode(), "k.csv"),
    ],
)
def test_bounded_input_is_refused_as_a_file_problem(db: None, data: bytes, name: str):
    outcome = imports.run(data, name, dry_run=True)

    assert [p.column for p in outcome.problems] == ["file"]
    assert not outcome.imported


def test_a_long_cell_is_an_error_of_its_cell(presets: None):
    outcome = imports.run(_csv(["alfa;" + "A" * 400 + ";;;;;;;;;;;;;;"]), "k.csv", dry_run=True)

    assert [(p.row, p.column) for p in outcome.problems] == [(2, "organisation_name")]


def test_the_template_has_every_column_and_reads_as_an_empty_file(db: None):
    outcome = imports.run(reading.template(), "szablon.csv", dry_run=True)

    assert reading.template().decode("utf-8-sig").strip().split(";") == list(reading.COLUMNS)
    assert [p.column for p in outcome.problems] == ["file"]
