"""Issue 8's "done when", in a real browser on the demo a newcomer gets: the agent opens
November's register of the hot-line customer, downloads it as PDF, XLSX and CSV, each
copy verifies against the system; the reports show their charts; the customer downloads
and sees its own register."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from opiekun.demo import load as demo
from opiekun.reports import verify
from opiekun.reports.models import IssuedDocument
from opiekun.testing.browser import PHONE, check_page, sign_in
from opiekun.tickets.models import Message

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def test_novembers_register_in_three_formats_verifies_and_the_reports_chart(
    chromium: Any, live_server: Any, presets: None, screenshots: Path, tmp_path: Path
) -> None:
    demo.load_demo()
    # The demo answers the hot-line question when it is loaded: its register is the one
    # of that month (November 2026 when the demo was written, whatever month it is now).
    answered = Message.objects.get(documentation_ref="Instrukcja administratora, s. 41")
    month = f"{timezone.localtime(answered.created_at):%Y-%m}"
    base = live_server.url
    agent = sign_in(chromium, base, "agent", "demo-agent")
    agent.get_by_role("link", name="Raporty").click()
    # The customer field offers the matches of what is typed (issue 20, item 2).
    agent.get_by_label("Znajdź klienta").fill("Dębnica")
    agent.locator("#id_organisation option", has_text="Urząd Gminy Dębnica").wait_for(
        state="attached"
    )
    agent.locator("#id_organisation").select_option(label="Urząd Gminy Dębnica (ug-debnica)")
    agent.get_by_label("Miesiąc").fill(month)
    agent.get_by_role("button", name="Pokaż").click()
    agent.get_by_text("Gdzie znaleźć rejestr decyzji?").wait_for()
    assert "Instrukcja administratora, s. 41" in agent.inner_text("main")
    check_page(agent)
    agent.screenshot(path=screenshots / "console-register.png", full_page=True)
    for fmt in ("PDF", "XLSX", "CSV"):
        with agent.expect_download() as download:
            agent.get_by_role("button", name=fmt, exact=True).click()
        target = tmp_path / download.value.suggested_filename
        download.value.save_as(target)
        assert target.name == f"register-urzad-gminy-debnica-{month}.{fmt.lower()}"
        verdict = verify.verify(target.read_bytes())
        assert verdict.ok, verdict.lines
    assert IssuedDocument.objects.count() == 3

    for key in ("sla", "hours", "backlog"):
        agent.goto(f"{base}/console/reports/{key}/?period=2026-11")
        agent.locator("svg.chart").first.wait_for()
        check_page(agent)
        agent.screenshot(path=screenshots / f"console-report-{key}.png", full_page=True)

    office = sign_in(chromium, base, "debnica", "demo-debnica", viewport=PHONE)
    office.get_by_role("link", name="Rejestr").click()
    office.get_by_label("Miesiąc").fill(month)
    office.get_by_role("button", name="Pokaż").click()
    office.get_by_text("Gdzie znaleźć rejestr decyzji?").wait_for()
    check_page(office)
    office.screenshot(path=screenshots / "portal-register.png", full_page=True)
