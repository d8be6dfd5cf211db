"""Scope (R-SCP-1..4) and the acknowledgement by the form's return channel (R-SLA-6)."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.test import Client

from opiekun.catalog.models import Plan
from opiekun.contracts import actions as contract_actions
from opiekun.contracts.models import QuoteRequest
from opiekun.testing.personas import Personas, make_personas
from opiekun.testing.threads import run_in_threads
from opiekun.tickets import actions, maintenance
from opiekun.tickets.models import MaintenanceRun, Message, Ticket


def on(p: Personas, code: str) -> None:
    contract_actions.record_active_contract(
        p.org_a, Plan.objects.get(code=code), number=f"X/{code}", starts_on=dt.date(2026, 1, 1)
    )


@pytest.mark.django_db
def test_r_sla_6_receipt_is_confirmed_by_the_channel_the_form_asks_for(
    personas: Personas, presets: None
) -> None:
    on(personas, "EKS-HOTLINE")
    ticket = actions.open_ticket(
        personas.org_a,
        channel="fax",
        subject="Rejestr decyzji",
        form={
            "form_sign": "OR.7.2026",
            "return_channel": "email",
            "return_address": "sekretariat@gmina.example",
        },
    )
    actions.acknowledge_receipt(ticket, actor=personas.agent.user)
    confirmation = ticket.messages.get(direction=Message.Direction.OUTBOUND)
    assert (confirmation.channel, confirmation.recipient) == ("email", "sekretariat@gmina.example")
    assert confirmation.delivery == "pending"  # the e-mail sender takes it from here
    assert "OR.7.2026" in confirmation.body_text
    actions.acknowledge_receipt(ticket)  # a second confirmation is not sent
    assert ticket.messages.filter(direction=Message.Direction.OUTBOUND).count() == 1


@pytest.mark.django_db
def test_r_scp_1_excluded_work_is_billable_and_asks_for_a_quote(
    contracted_personas: Personas,
) -> None:
    p = contracted_personas  # A on KJM-CARE
    ticket = actions.open_ticket(
        p.org_a, channel="email", subject="Nowy raport", contact=p.customer_a
    )
    client = Client()
    client.force_login(p.agent.user)
    options = client.get(f"/api/v1/tickets/{ticket.pk}/scope-options").json()
    programming = next(o for o in options if o["text"].startswith("Modyfikacje programistyczne"))
    assert programming["kind"] == "excluded"
    response = client.post(
        f"/api/v1/tickets/{ticket.pk}/scope",
        data=json.dumps({"item_id": programming["id"], "note": "Raport sprzedaży wg regionów"}),
        content_type="application/json",
    )
    assert response.json()["scope"] == "billable"
    quote = QuoteRequest.objects.get(ticket=ticket)
    assert (quote.organisation, quote.description, quote.status) == (
        p.org_a,
        "Raport sprzedaży wg regionów",
        "open",
    )


@pytest.mark.django_db
def test_r_scp_1_hardware_is_referred_to_the_hardware_department(
    contracted_personas: Personas,
) -> None:
    p = contracted_personas
    ticket = actions.open_ticket(p.org_a, channel="email", subject="Drukarka", contact=p.customer_a)
    hardware = p.contract_a.plan.scope_items.get(kind="referred")  # type: ignore[union-attr]
    classified = actions.classify_scope(ticket, hardware)
    assert classified.scope == "referred"
    assert "Dział sprzętowy KJM" in classified.scope_note
    assert not QuoteRequest.objects.exists()
    other_plan_item = Plan.objects.get(code="PWSK-BASIC").scope_items.first()
    with pytest.raises(actions.IntakeError, match="item: not a scope line of this ticket's plan"):
        actions.classify_scope(ticket, other_plan_item)  # type: ignore[arg-type]


@pytest.mark.django_db
def test_r_scp_4_maintenance_tickets_once_per_period(personas: Personas, presets: None) -> None:
    on(personas, "PWSK-SUPERVISION")  # integrity check, defragmentation, backup supervision
    assert maintenance.create_due(dt.date(2026, 11, 3)) == 3
    assert maintenance.create_due(dt.date(2026, 11, 20)) == 0  # same month
    subjects = sorted(Ticket.objects.values_list("subject", flat=True))
    assert subjects[0] == "Defragmentacja bazy danych (2026-11)"
    assert maintenance.create_due(dt.date(2026, 12, 1)) == 3
    assert MaintenanceRun.objects.count() == 6
    assert maintenance.period_start("quarterly", dt.date(2026, 11, 20)) == dt.date(2026, 10, 1)


@pytest.mark.needs_postgres
@pytest.mark.django_db(transaction=True)
def test_r_scp_4_two_workers_make_one_ticket_per_period() -> None:
    from opiekun.catalog.actions import load_presets
    from opiekun.catalog.presets import PRESETS

    load_presets(list(PRESETS))
    make_personas(plan_a="MER-SOS")  # database review, monthly
    made: list[int] = []
    errors = run_in_threads(lambda n: made.append(maintenance.create_due(dt.date(2026, 11, 3))), 2)
    assert errors == []
    assert sum(made) == 1
    assert MaintenanceRun.objects.count() == 1
    assert Ticket.objects.count() == 1


@pytest.mark.django_db
def test_issue_20_item_5_maintenance_tickets_cost_the_same_for_3_or_30_contracts(
    personas: Personas, presets: None
) -> None:
    """R-SCP-4: each contract's monthly maintenance gets one ticket a period, with its
    run; the same statements whether 3 contracts are due or 30."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from opiekun.core import batch
    from opiekun.core.models import AuditEvent

    def inserts(model: type[Ticket], rows: int) -> int:
        fields = [f for f in model._meta.concrete_fields if not f.primary_key]
        size = connection.ops.bulk_batch_size(fields, [None] * rows)
        return -(-rows // size)

    plan = Plan.objects.get(code="MER-SOS")  # database review, monthly
    tasks = plan.maintenance_tasks.count()

    def contracts(first: int, count: int) -> None:
        for n in range(first, first + count):
            contract_actions.record_active_contract(
                personas.org_a if n % 2 else personas.org_b,
                plan,
                number=f"M/{n}",
                starts_on=dt.date(2026, 1, 1),
            )

    contracts(0, 3)
    # October's tickets first: the year's reference counter exists before we count.
    assert maintenance.create_due(dt.date(2026, 10, 5)) == 3 * tasks
    costs = []
    for first, count, day in ((3, 0, dt.date(2026, 11, 3)), (3, 27, dt.date(2026, 12, 3))):
        contracts(first, count)
        batch.forget_lasting()  # both runs read the plan's terms once, as a fresh worker
        with CaptureQueriesContext(connection) as captured:
            made = maintenance.create_due(day)
        costs.append((made, len(captured)))
    (made_3, cost_3), (made_30, cost_30) = costs
    assert (made_3, made_30) == (3 * tasks, 30 * tasks)
    # One insert of the tickets, but SQLite takes at most 999 values a statement: a
    # wide row splits a bulk insert there (not on PostgreSQL), and only that may differ.
    assert cost_30 - cost_3 == inserts(Ticket, 30 * tasks) - inserts(Ticket, 3 * tasks), (
        cost_3,
        cost_30,
    )
    december = MaintenanceRun.objects.filter(period_start=dt.date(2026, 12, 1))
    assert december.count() == 30 * tasks
    for run in december.select_related("ticket", "contract", "task"):
        assert run.ticket.organisation_id == run.contract.organisation_id
        assert run.ticket.subject == f"{run.task.name} (2026-12)"
        assert run.ticket.description == f"Scheduled maintenance under {run.contract.number}."
        assert (
            AuditEvent.objects.filter(kind="ticket.opened", subject_id=str(run.ticket_id)).count()
            == 1
        )
    # The next hour's pass finds every run made: three reads, nothing written.
    with CaptureQueriesContext(connection) as again:
        assert maintenance.create_due(dt.date(2026, 12, 4)) == 0
    assert len(again) == 4  # the contracts, their tasks, their runs, the empty next page
