"""Statements in the API (issue 17, item 4): start a run, read its progress, list the
month, read one with its lines, send it, correct it. Managers act, staff read."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client

from opiekun.celery import app
from opiekun.contracts.models import Statement
from opiekun.reports.models import StatementRun, StatementSending
from opiekun.staff.models import StaffMember
from opiekun.testing.personas import Personas
from opiekun.testing.signin import verified_login

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager(contracted_personas: Personas) -> Client:
    member = contracted_personas.account_manager
    StaffMember.objects.filter(pk=member.pk).update(is_manager=True)
    client = Client()
    verified_login(client, member.user)
    return client


@pytest.fixture
def eager() -> Iterator[None]:
    app.conf.task_always_eager = True
    try:
        yield
    finally:
        app.conf.task_always_eager = False


def post(client: Client, url: str, body: dict[str, Any]) -> Any:
    return client.post(url, data=json.dumps(body), content_type="application/json")


def test_a_manager_runs_october_then_sends_and_corrects_a_statement(
    contracted_personas: Personas,
    manager: Client,
    eager: None,
    django_capture_on_commit_callbacks: Any,
) -> None:
    p = contracted_personas
    with django_capture_on_commit_callbacks(execute=True):
        started = post(manager, "/api/v1/statement-runs", {"month": "2026-10"})
    assert started.status_code == 202
    assert started.json()["total"] == 2 and started.json()["state"] == "queued"
    progress = manager.get(f"/api/v1/statement-runs/{started.json()['id']}").json()
    assert (progress["state"], progress["done"], progress["failed"]) == ("done", 2, 0)
    assert {i["new"] for i in progress["items"]} == {True}
    listed = manager.get("/api/v1/statements", {"month": "2026-10"}).json()
    assert listed["count"] == 2
    b = next(s for s in listed["items"] if s["contract_id"] == p.contract_b.pk)  # type: ignore[union-attr]
    one = manager.get(f"/api/v1/statements/{b['id']}").json()
    assert one["lines"][0]["kind"] == "subscription" and one["sent_at"] is None
    sent = post(manager, f"/api/v1/statements/{b['id']}/send", {})
    assert sent.status_code == 200 and sent.json()["sent_at"] is not None
    assert StatementSending.objects.get().statement_id == b["id"]
    corrected = post(manager, f"/api/v1/statements/{b['id']}/correction", {"reason": "Błąd"})
    assert corrected.status_code == 201
    assert corrected.json()["corrects_id"] == b["id"]
    again = post(manager, f"/api/v1/statements/{b['id']}/correction", {})
    assert again.status_code == 400 and "corrected by" in again.json()["detail"]
    # A second run: the same documents.
    with django_capture_on_commit_callbacks(execute=True):
        second = post(manager, "/api/v1/statement-runs", {"month": "2026-10"})
    items = manager.get(f"/api/v1/statement-runs/{second.json()['id']}").json()["items"]
    assert {i["new"] for i in items} == {False}
    assert Statement.objects.count() == 3


def test_a_bad_month_is_refused_naming_the_field(manager: Client) -> None:
    for month in ("2026-13", "2099-12"):
        refused = post(manager, "/api/v1/statement-runs", {"month": month})
        assert refused.status_code in (400, 422), month
        assert "month" in json.dumps(refused.json())
    assert manager.get("/api/v1/statements", {"month": "x"}).status_code in (400, 422)
    assert not StatementRun.objects.exists()


def test_an_agent_reads_but_cannot_run_send_or_correct(contracted_personas: Personas) -> None:
    client = Client()
    client.force_login(contracted_personas.user("agent"))
    assert client.get("/api/v1/statements").status_code == 200
    assert post(client, "/api/v1/statement-runs", {"month": "2026-10"}).status_code == 404
    assert not StatementRun.objects.exists()
