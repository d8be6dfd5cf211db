"""Issue 17's "done when" for statements, in a real browser: a manager issues all of
October's statements from the console, watches the run finish (the page polls while the
worker goes on), opens one and corrects it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from opiekun.contracts.models import Statement
from opiekun.reports import runs, tasks
from opiekun.reports.models import StatementRun
from opiekun.staff.models import StaffMember
from opiekun.testing.browser import check_page, sign_in
from opiekun.testing.personas import Personas
from opiekun.tickets import actions

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]
W = ZoneInfo("Europe/Warsaw")


def test_a_manager_issues_octobers_statements_watches_the_run_and_corrects_one(
    chromium: Any,
    live_server: Any,
    contracted_personas: Personas,
    settings: Any,
    monkeypatch: pytest.MonkeyPatch,
    screenshots: Path,
) -> None:
    p = contracted_personas
    # Two-factor sign-in has its own browser test; here the manager signs in with a password.
    settings.OTP_REQUIRED_FOR_MANAGERS = False
    StaffMember.objects.filter(pk=p.account_manager.pk).update(is_manager=True)
    ticket = actions.open_ticket(
        p.org_b,
        channel="phone",
        subject="Etykiety",
        received_at=dt.datetime(2026, 10, 5, 9, tzinfo=W),
    )
    actions.log_work(
        ticket,
        staff=p.agent,
        kind="phone",
        raw_minutes=17,
        started_at=dt.datetime(2026, 10, 5, 10, tzinfo=W),
    )
    # The worker is this test: the run waits in the queue until the test performs it.
    queued: list[int] = []
    monkeypatch.setattr(tasks.issue_statements, "delay", queued.append)

    base = live_server.url
    manager = sign_in(chromium, base, "p-opiekun")
    manager.get_by_role("link", name="Zestawienia").click()
    manager.get_by_label("Miesiąc").last.fill("2026-10")
    manager.get_by_label("Klient").select_option(label="wszyscy klienci")
    check_page(manager)
    manager.get_by_role("button", name="Wystaw", exact=True).click()
    manager.get_by_text("W kolejce", exact=False).first.wait_for()
    assert len(queued) == 1 and StatementRun.objects.get().state == "queued"

    runs.perform(queued[0])
    manager.get_by_text("wystawiono 2 z 2").wait_for()  # the polled box, no reload
    assert manager.locator("#run-progress[hx-trigger]").count() == 0  # polling stopped
    check_page(manager)
    manager.screenshot(path=screenshots / "console-statement-run.png", full_page=True)

    original = Statement.objects.get(contract=p.contract_b)
    manager.get_by_role("link", name=original.number).click()
    manager.get_by_role("heading", name=f"Zestawienie {original.number}").wait_for()
    assert "Firma B" in manager.inner_text("main")
    check_page(manager)
    manager.get_by_label("Powód korekty").fill("Brakująca rozmowa")
    manager.get_by_role("button", name="Wystaw korektę").click()
    correction = Statement.objects.get(corrects=original)
    manager.get_by_role("heading", name=f"Zestawienie {correction.number}").wait_for()
    assert "Koryguje" in manager.inner_text("main")
    manager.screenshot(path=screenshots / "console-statement-correction.png", full_page=True)
    assert Statement.objects.count() == 3
