"""Disputes before approval (issue 21, item 3): the customer questions a work entry or a
statement line; the vendor answers, accepts (a correcting entry, the statement issued
again) or rejects; a month with an open dispute cannot be approved; every step audited."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from opiekun.contracts.models import Contract, Statement
from opiekun.core.audit import events_for
from opiekun.reports import disputes, signals, statements
from opiekun.reports.models import Dispute
from opiekun.testing.personas import Personas
from opiekun.tickets import actions
from opiekun.tickets.models import WorkLog

pytestmark = pytest.mark.django_db
W = ZoneInfo("Europe/Warsaw")
OCTOBER = dt.date(2026, 10, 1)


@pytest.fixture
def phone_call(contracted_personas: Personas) -> WorkLog:
    """B (SHIP START) had a 30-minute phone call on 5 October."""
    p = contracted_personas
    ticket = actions.open_ticket(
        p.org_b,
        channel="phone",
        subject="Etykiety",
        contact=p.customer_b,
        received_at=dt.datetime(2026, 10, 5, 9, tzinfo=W),
    )
    actions.log_work(
        ticket,
        staff=p.agent,
        kind="phone",
        raw_minutes=10,
        started_at=dt.datetime(2026, 10, 5, 9, 30, tzinfo=W),
    )
    return actions.log_work(
        ticket,
        staff=p.agent,
        kind="phone",
        raw_minutes=30,
        started_at=dt.datetime(2026, 10, 5, 10, tzinfo=W),
        note="Rozmowa o etykietach",
    )


def contract_b(p: Personas) -> Contract:
    assert p.contract_b is not None
    return p.contract_b


def test_a_questioned_work_line_blocks_approval_until_accepted_then_the_correction_is_approved(
    contracted_personas: Personas, phone_call: WorkLog
) -> None:
    p = contracted_personas
    statement = statements.issue(contract_b(p), OCTOBER)
    line = statement.lines.get(kind="work", raw_minutes=30)
    told: list[str] = []

    def listen(sender: object, step: str, **kwargs: object) -> None:
        told.append(step)

    signals.dispute_changed.connect(listen)
    try:
        dispute = disputes.raise_dispute(
            p.customer_b, line=line, reason="Rozmowa trwała 15 minut", actor=p.customer_b.user
        )
        # The line names no entry; the dispute finds the 30-minute one, not the 10-minute one.
        assert dispute.work_log_id == phone_call.pk
        assert (dispute.status, dispute.period_start) == ("open", OCTOBER)
        with pytest.raises(statements.StatementError, match=r"^statement: "):
            statements.approve(statement, contact=p.customer_b)
        disputes.answer(dispute, staff=p.agent, body="Sprawdzamy nagranie.")
        decided = disputes.accept(
            dispute, staff=p.agent, reason="Według nagrania 15 minut", raw_minutes=15
        )
    finally:
        signals.dispute_changed.disconnect(listen)
    assert told == ["raised", "answered", "accepted"]
    assert decided.status == "accepted" and decided.correction is not None
    assert decided.correction.corrects_id == phone_call.pk
    assert decided.correction.raw_minutes == -15
    reissued = decided.reissued
    assert reissued is not None and reissued.corrects_id == statement.pk
    corrected_line = reissued.lines.get(
        kind="work", ticket_reference=line.ticket_reference, raw_minutes=15
    )
    assert "corrected" in corrected_line.description
    with pytest.raises(statements.StatementError, match="corrected by"):
        statements.approve(statement, contact=p.customer_b)
    statements.approve(reissued, contact=p.customer_b)
    kinds = [e.kind for e in events_for(dispute).order_by("at", "pk")]
    assert kinds == ["dispute.raised", "dispute.answered", "dispute.accepted"]


def test_a_rejected_dispute_lets_the_statement_be_approved_as_it_was(
    contracted_personas: Personas, phone_call: WorkLog
) -> None:
    p = contracted_personas
    statement = statements.issue(contract_b(p), OCTOBER)
    dispute = disputes.raise_dispute(p.customer_b, work_log=phone_call, reason="Za długo")
    with pytest.raises(disputes.DisputeError, match=r"^reason: "):
        disputes.reject(dispute, staff=p.agent, reason="  ")
    disputes.reject(dispute, staff=p.agent, reason="Rozmowa trwała 30 minut, jest nagranie")
    dispute.refresh_from_db()
    assert (dispute.status, dispute.decided_by, dispute.reissued) == ("rejected", p.agent, None)
    with pytest.raises(disputes.DisputeError, match=r"^status: "):
        disputes.accept(dispute, staff=p.agent, reason="Jednak tak", raw_minutes=15)
    statements.approve(statement, contact=p.customer_b)
    assert Statement.objects.count() == 1
    assert WorkLog.objects.filter(corrects__isnull=False).count() == 0


def test_a_work_entry_questioned_before_the_statement_is_corrected_without_reissuing(
    contracted_personas: Personas, phone_call: WorkLog
) -> None:
    p = contracted_personas
    dispute = disputes.raise_dispute(p.customer_b, work_log=phone_call, reason="15 minut")
    with pytest.raises(disputes.DisputeError, match=r"^line: "):
        disputes.raise_dispute(p.customer_b, work_log=phone_call, reason="Znowu")
    decided = disputes.accept(dispute, staff=p.agent, reason="Zgoda", raw_minutes=15)
    assert decided.reissued is None and decided.correction is not None
    statement = statements.issue(contract_b(p), OCTOBER)
    assert statement.lines.filter(kind="work", raw_minutes=15).exists()


def test_no_dispute_about_another_organisation_or_a_closed_month(
    contracted_personas: Personas, phone_call: WorkLog
) -> None:
    p = contracted_personas
    with pytest.raises(disputes.DisputeError, match=r"^line: "):
        disputes.raise_dispute(p.customer_a, work_log=phone_call, reason="Cudze")
    statement = statements.issue(contract_b(p), OCTOBER)
    statements.approve(statement, contact=p.customer_b)
    with pytest.raises(disputes.DisputeError, match=r"^line: "):
        disputes.raise_dispute(p.customer_b, line=statement.lines.first(), reason="Za późno")
    assert not Dispute.objects.exists()


def test_a_correction_to_minutes_of_a_line_that_is_no_work_is_refused(
    contracted_personas: Personas, phone_call: WorkLog
) -> None:
    p = contracted_personas
    statement = statements.issue(contract_b(p), OCTOBER)
    fee = statement.lines.get(kind="subscription")
    dispute = disputes.raise_dispute(p.customer_b, line=fee, reason="Abonament za wysoki")
    assert dispute.work_log is None
    with pytest.raises(disputes.DisputeError, match=r"^raw_minutes: "):
        disputes.accept(dispute, staff=p.agent, reason="x", raw_minutes=0)
    # Accepted without a correction of work: the statement is issued again all the same.
    decided = disputes.accept(dispute, staff=p.agent, reason="Cena z umowy")
    assert decided.reissued is not None
