"""Statement runs, sending and corrections (issue 17, item 4; R-REG-2): a month issued in
the background with its progress, issuing twice is the same document (also two runs at
once on PostgreSQL), a sent mark with its signal, a correction as a new document."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction
from django.utils import timezone

from opiekun.celery import app
from opiekun.contracts.models import Statement
from opiekun.core.models import AuditEvent
from opiekun.reports import issuing, runs, signals, statements
from opiekun.reports.models import StatementRun, StatementRunItem, StatementSending
from opiekun.testing.personas import Personas
from opiekun.testing.threads import run_in_threads
from opiekun.tickets import actions

W = ZoneInfo("Europe/Warsaw")
OCTOBER = dt.date(2026, 10, 1)


@pytest.fixture
def eager() -> Iterator[None]:
    app.conf.task_always_eager = True
    try:
        yield
    finally:
        app.conf.task_always_eager = False


@pytest.fixture
def october(contracted_personas: Personas) -> Personas:
    """A on KJM-CARE, B on SHIP-START, both in force since January; B worked in October."""
    p = contracted_personas
    ticket = actions.open_ticket(
        p.org_b,
        channel="email",
        subject="Etykiety",
        received_at=dt.datetime(2026, 10, 5, 10, tzinfo=W),
        contact=p.customer_b,
    )
    actions.log_work(
        ticket,
        staff=p.agent,
        kind="phone",
        raw_minutes=17,
        started_at=dt.datetime(2026, 10, 5, 11, tzinfo=W),
    )
    return p


def _start(p: Personas, **kwargs: Any) -> StatementRun:
    with transaction.atomic():
        return issuing.start(OCTOBER, actor=p.user("account_manager"), **kwargs)


@pytest.mark.django_db
def test_r_reg_2_issuing_a_month_twice_returns_the_same_document(october: Personas) -> None:
    first, made = statements.issued(october.contract_b, OCTOBER)  # type: ignore[arg-type]
    again, made_again = statements.issued(october.contract_b, OCTOBER)  # type: ignore[arg-type]
    assert (made, made_again) == (True, False)
    assert again.pk == first.pk and Statement.objects.count() == 1
    assert AuditEvent.objects.filter(kind="statement.issued").count() == 1


@pytest.mark.django_db
def test_a_run_issues_every_contract_in_force_and_counts_its_progress(
    october: Personas, eager: None, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        run = _start(october)
    assert run.total == 2
    run.refresh_from_db()
    assert (run.state, run.total, run.done, run.failed) == ("done", 2, 2, 0)
    assert run.finished_at is not None
    numbers = {
        i.organisation.short_name: (i.statement.contract_id, i.created)
        for i in run.items.select_related("organisation", "statement")
    }
    assert numbers == {
        october.org_a.short_name: (october.contract_a.pk, True),  # type: ignore[union-attr]
        october.org_b.short_name: (october.contract_b.pk, True),  # type: ignore[union-attr]
    }
    # A second run of the month: the same documents, none new.
    with django_capture_on_commit_callbacks(execute=True):
        second = _start(october)
    second.refresh_from_db()
    assert (second.state, second.done) == ("done", 2)
    assert not second.items.filter(created=True).exists()
    assert Statement.objects.count() == 2
    assert AuditEvent.objects.filter(kind="statement_run.started").count() == 2


@pytest.mark.django_db
def test_a_run_of_one_organisation_issues_only_its_month(october: Personas) -> None:
    run = _start(october, organisation=october.org_b)
    assert run.total == 1
    done = runs.perform(run.pk)
    assert done is not None and (done.state, done.done) == ("done", 1)
    assert list(Statement.objects.values_list("contract_id", flat=True)) == [
        october.contract_b.pk  # type: ignore[union-attr]
    ]
    # Claimed once: a second delivery of the task does nothing.
    assert runs.perform(run.pk) is None
    assert StatementRunItem.objects.count() == 1


@pytest.mark.django_db
def test_an_organisation_that_fails_is_named_and_the_others_are_issued(
    october: Personas, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = statements.issued

    def failing(contract: Any, month: dt.date, **kwargs: Any) -> Any:
        if contract.organisation_id == october.org_a.pk:
            raise statements.StatementError("plan: no hourly rate agreed")
        return real(contract, month, **kwargs)

    monkeypatch.setattr(statements, "issued", failing)
    run = runs.perform(_start(october).pk)
    assert run is not None and (run.state, run.done, run.failed) == ("done", 1, 1)
    failed = run.items.get(error__gt="")
    assert failed.organisation == october.org_a and failed.statement is None
    assert failed.error == "plan: no hourly rate agreed"
    assert Statement.objects.get().contract == october.contract_b


@pytest.mark.django_db
def test_a_month_not_over_cannot_be_run(october: Personas) -> None:
    with pytest.raises(statements.StatementError, match=r"month: .* is not over yet"):
        issuing.start(timezone.localdate(), actor=october.user("account_manager"))
    assert not StatementRun.objects.exists()


@pytest.mark.django_db
def test_sending_marks_it_sent_once_audits_and_signals(october: Personas) -> None:
    statement = statements.issue(october.contract_b, OCTOBER)  # type: ignore[arg-type]
    heard: list[Statement] = []

    def listener(sender: Any, statement: Statement, **kwargs: Any) -> None:
        heard.append(statement)

    signals.statement_sent.connect(listener)
    try:
        sending = statements.send(statement, actor=october.user("account_manager"))
        again = statements.send(statement, actor=october.user("account_manager"))
    finally:
        signals.statement_sent.disconnect(listener)
    assert again.pk == sending.pk and StatementSending.objects.count() == 1
    assert heard == [statement]
    assert sending.sent_by == october.user("account_manager")
    event = AuditEvent.objects.get(kind="statement.sent")
    assert event.actor == october.user("account_manager")


@pytest.mark.django_db
def test_a_correction_is_a_new_document_and_only_the_standing_one_is_corrected(
    october: Personas,
) -> None:
    original = statements.issue(october.contract_b, OCTOBER)  # type: ignore[arg-type]
    correction = statements.correct(original, reason="Brakująca praca")
    assert correction.pk != original.pk and correction.corrects == original
    assert correction.number != original.number
    assert statements.issue(october.contract_b, OCTOBER).pk == original.pk  # type: ignore[arg-type]
    reason = AuditEvent.objects.get(kind="statement.correction_reason")
    assert reason.data["reason"] == "Brakująca praca"
    with pytest.raises(statements.StatementError, match="was corrected by"):
        statements.correct(original)
    with pytest.raises(statements.StatementError, match="send that"):
        statements.send(original)
    assert not StatementSending.objects.exists()


@pytest.mark.needs_postgres
@pytest.mark.django_db(transaction=True)
def test_two_runs_at_once_issue_each_month_once(october: Personas) -> None:
    """Two managers start October at the same moment: each contract gets one statement,
    and both runs finish with every contract counted as done."""
    first, second = _start(october), _start(october)
    ids = [first.pk, second.pk]
    errors = run_in_threads(lambda n: runs.perform(ids[n]), 2)
    assert errors == []
    assert Statement.objects.count() == 2
    assert sorted(Statement.objects.values_list("contract_id", flat=True)) == sorted(
        [october.contract_a.pk, october.contract_b.pk]  # type: ignore[union-attr]
    )
    for run in StatementRun.objects.all():
        assert (run.state, run.done, run.failed) == ("done", 2, 0)
    made = StatementRunItem.objects.filter(created=True).count()
    assert made == 2  # each document made by exactly one of the runs
