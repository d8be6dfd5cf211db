"""Issue 17's journey, its first step in a real browser: a manager imports three
customers from a spreadsheet (a wrong file first: the errors by row and column, nothing
written), then sees them in the contracts list and opens the alerts."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from opiekun.contracts.imports import reading
from opiekun.contracts.models import Contract
from opiekun.customers.models import Organisation
from opiekun.staff.models import StaffMember
from opiekun.testing.browser import check_page, sign_in
from opiekun.testing.personas import make_personas

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

HEADER = ";".join(reading.COLUMNS)
ROWS = [
    "alfa;Alfa sp. z o.o.;;526-025-02-74;;;Anna Nowak;anna@alfa.example;601 234 567;"
    "K/2024/1;KJM-CARE;2024-01-01;3;;;",
    "beta;Urząd Gminy Beta;urząd;;;;Ewa Zając;ewa@beta.example;;P/7;PWSK-BASIC;01.03.2024;;;"
    "15.03.2024;",
    "gamma;Gamma;;;;;Piotr Gil;piotr@gamma.example;;;;;;;;",
]


def test_a_manager_imports_three_customers_from_a_spreadsheet(
    chromium: Any, live_server: Any, presets: None, settings: Any, tmp_path: Path, screenshots: Path
) -> None:
    settings.OTP_REQUIRED_FOR_MANAGERS = False  # the second step has its own browser test
    p = make_personas()
    StaffMember.objects.filter(pk=p.account_manager.pk).update(is_manager=True)
    wrong, right = tmp_path / "klienci-zle.csv", tmp_path / "klienci.csv"
    wrong.write_bytes(
        ("\r\n".join([HEADER, ROWS[0].replace("KJM-CARE", "KJM-NIC")]) + "\r\n").encode("cp1250")
    )
    right.write_bytes(("\r\n".join([HEADER, *ROWS]) + "\r\n").encode("cp1250"))
    base = live_server.url
    manager = sign_in(chromium, base, "p-opiekun")

    manager.get_by_role("link", name="Import", exact=True).click()
    manager.get_by_label("Plik").set_input_files(str(wrong))
    manager.get_by_role("button", name="Sprawdź plik").click()
    manager.locator("#import-problems").wait_for()
    assert "nie ma planu o kodzie 'KJM-NIC'" in manager.inner_text("#import-problems")
    check_page(manager)
    assert not Organisation.objects.filter(short_name="alfa").exists()

    manager.get_by_label("Plik").set_input_files(str(right))
    manager.get_by_role("button", name="Sprawdź plik").click()
    manager.locator("#import-preview").wait_for()
    manager.screenshot(path=screenshots / "console-import-preview.png", full_page=True)
    manager.get_by_role("button", name="Import", exact=True).click()
    manager.get_by_text("Zaimportowano").wait_for()
    assert "K/2024/1" in manager.inner_text("main") and "P/7" in manager.inner_text("main")
    assert Organisation.objects.get(short_name="beta").name == "Urząd Gminy Beta"
    assert Contract.objects.get(number="P/7").licence_purchased_on is not None

    manager.get_by_role("link", name="Alerty").click()
    manager.get_by_role("heading", name="Alerty").wait_for()
    check_page(manager)
