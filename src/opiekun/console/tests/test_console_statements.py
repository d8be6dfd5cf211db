"""Statements in the console (issue 17, item 4): a manager issues a month as a run, the
run page polls its progress, reviews a statement, sends it and corrects it; an agent
reads and cannot act (404); the walk of test_console_access covers everyone else."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from opiekun.celery import app
from opiekun.contracts.models import Statement
from opiekun.reports import statements
from opiekun.reports.models import StatementRun, StatementSending
from opiekun.staff.models import StaffMember
from opiekun.testing.personas import Personas
from opiekun.testing.signin import verified_login

pytestmark = pytest.mark.django_db
OCTOBER = dt.date(2026, 10, 1)


@pytest.fixture
def manager(contracted_personas: Personas) -> Client:
    member = contracted_personas.account_manager
    StaffMember.objects.filter(pk=member.pk).update(is_manager=True)
    client = Client()
    verified_login(client, member.user)
    return client


@pytest.fixture
def agent(contracted_personas: Personas) -> Client:
    client = Client()
    verified_login(client, contracted_personas.agent.user)
    return client


@pytest.fixture
def eager() -> Iterator[None]:
    app.conf.task_always_eager = True
    try:
        yield
    finally:
        app.conf.task_always_eager = False


def test_a_manager_issues_october_watches_the_run_sends_and_corrects(
    contracted_personas: Personas,
    manager: Client,
    eager: None,
    django_capture_on_commit_callbacks: Any,
) -> None:
    p = contracted_personas
    page = manager.get("/console/statements/?month=2026-10").content.decode()
    assert 'action="/console/statements/issue"' in page
    with django_capture_on_commit_callbacks(execute=True):
        started = manager.post("/console/statements/issue", {"month": "2026-10"})
    run = StatementRun.objects.get()
    assert started.status_code == 302
    assert started["Location"] == f"/console/statements/runs/{run.pk}/"
    box = manager.get(started["Location"], headers={"HX-Request": "true"}).content.decode()
    assert 'id="run-progress"' in box and "hx-trigger" not in box  # finished: no more polling
    assert "2 z 2" in box or "2 of 2" in box
    statement = Statement.objects.get(contract=p.contract_b)
    review = manager.get(f"/console/statements/{statement.pk}/").content.decode()
    assert statement.number in review and "Firma B" in review
    sent = manager.post(f"/console/statements/{statement.pk}/send")
    assert sent.status_code == 302
    assert StatementSending.objects.get().statement == statement
    corrected = manager.post(f"/console/statements/{statement.pk}/correct", {"reason": "Błąd"})
    correction = Statement.objects.get(corrects=statement)
    assert corrected["Location"] == f"/console/statements/{correction.pk}/"
    old = manager.get(f"/console/statements/{statement.pk}/").content.decode()
    assert correction.number in old  # the superseded one names its correction
    listed = manager.get("/console/statements/?month=2026-10").content.decode()
    assert correction.number in listed and statement.number in listed


def test_a_queued_run_page_keeps_polling(contracted_personas: Personas, manager: Client) -> None:
    manager.post("/console/statements/issue", {"month": "2026-10"})  # no worker in this test
    run = StatementRun.objects.get()
    box = manager.get(f"/console/statements/runs/{run.pk}/", headers={"HX-Request": "true"})
    assert 'hx-trigger="every 1s"' in box.content.decode()


def test_a_month_not_over_or_not_a_month_is_refused_on_the_page(
    contracted_personas: Personas, manager: Client
) -> None:
    refused = manager.post("/console/statements/issue", {"month": "2099-13"}, follow=True)
    assert refused.status_code == 200 and not StatementRun.objects.exists()
    now = f"{timezone.localdate():%Y-%m}"
    page = manager.post("/console/statements/issue", {"month": now}, follow=True)
    text = page.content.decode()
    assert now in text and "not over yet\n" not in text
    assert "jeszcze się nie skończył" in text or "statements are issued for past months" in text
    bad = manager.get("/console/statements/?month=x")
    assert bad.status_code == 400


def test_an_agent_reads_statements_but_cannot_issue_send_or_correct(
    contracted_personas: Personas, agent: Client
) -> None:
    statement = statements.issue(contracted_personas.contract_b, OCTOBER)  # type: ignore[arg-type]
    page = agent.get(f"/console/statements/{statement.pk}/").content.decode()
    assert statement.number in page and "/send" not in page
    assert agent.post("/console/statements/issue", {"month": "2026-10"}).status_code == 404
    assert agent.post(f"/console/statements/{statement.pk}/send").status_code == 404
    assert agent.post(f"/console/statements/{statement.pk}/correct").status_code == 404
    assert not StatementRun.objects.exists() and not StatementSending.objects.exists()
    assert Statement.objects.count() == 1
