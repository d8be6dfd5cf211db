"""SLA penalties on the month's statement (issue 21, item 2): a late HOT-01 confirmation
or reaction is a credit line with its explanation; the cap, the customer's waiting time
and force majeure are honoured; a contract's terms replace its plan's."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from opiekun.catalog.models import Plan
from opiekun.contracts import penalties as terms
from opiekun.contracts.models import Contract
from opiekun.core.models import AuditEvent
from opiekun.reports import statements
from opiekun.testing.personas import Personas, make_personas
from opiekun.tickets import actions
from opiekun.tickets.models import Ticket

pytestmark = pytest.mark.django_db
W = ZoneInfo("Europe/Warsaw")
OCTOBER = dt.date(2026, 10, 1)


def at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 10, day, hour, minute, tzinfo=W)


@pytest.fixture
def eks(presets: None) -> Personas:
    """Customer A is a public office on the EKS hot-line (HOT-01), B on SHIP START."""
    p = make_personas("EKS-HOTLINE", "SHIP-START")
    terms.set_terms(
        plan=Plan.objects.get(code="EKS-HOTLINE"),
        basis="per_started_hour",
        amount=Decimal("50"),
    )
    return p


def hot01(p: Personas, received: dt.datetime, subject: str = "Jak wydrukować decyzję?") -> Ticket:
    return actions.open_ticket(
        p.org_a, channel="email", subject=subject, contact=p.customer_a, received_at=received
    )


def penalty_lines(contract: Contract | None) -> list:
    assert contract is not None
    statement = statements.issue(contract, OCTOBER)
    return list(statement.lines.filter(kind="penalty").order_by("position"))


def test_r_sla_6_a_late_hot01_confirmation_is_a_credit_line_on_the_eks_statement(
    eks: Personas,
) -> None:
    # Received Mon 5 Oct 9:00: receipt is due by the end of the next working day, Tue
    # 16:00; confirmed Wed 10:00, two working hours (8:00-10:00) late.
    ticket = hot01(eks, at(5, 9))
    assert ticket.ack_due_at == at(6, 16)
    actions.acknowledge_receipt(ticket, at=at(7, 10))
    on_time = hot01(eks, at(5, 10), "Na czas")
    actions.acknowledge_receipt(on_time, at=at(6, 15))

    [line] = penalty_lines(eks.contract_a)
    assert line.description == (
        f"ticket {ticket.reference}: receipt confirmation due Tue 2026-10-06 16:00, "
        "given Wed 2026-10-07 10:00: 2 working hours late \N{MULTIPLICATION SIGN} 50.00 PLN"
    )
    assert (line.quantity, line.unit_price, line.net) == (
        Decimal("2.00"),
        Decimal("-50.00"),
        Decimal("-100.00"),
    )
    assert (line.ticket_reference, line.day) == (ticket.reference, dt.date(2026, 10, 7))
    statement = line.statement
    # EKS is priced individually: no fee, so the month is the credit alone, VAT included.
    assert (statement.net, statement.vat, statement.gross) == (
        Decimal("-100.00"),
        Decimal("-23.00"),
        Decimal("-123.00"),
    )


def test_r_sla_6_a_promised_answer_given_late_is_a_breach_too(eks: Personas) -> None:
    ticket = hot01(eks, at(5, 9))
    actions.acknowledge_receipt(ticket, at=at(5, 10))
    # History as the actions wrote it: the answer agreed for Mon 12:00, given Mon 15:30.
    Ticket.objects.filter(pk=ticket.pk).update(
        answer_promised_at=at(5, 12), answered_at=at(5, 15, 30)
    )
    [line] = penalty_lines(eks.contract_a)
    assert "answer promised for Mon 2026-10-05 12:00, given Mon 2026-10-05 15:30" in (
        line.description
    )
    assert "4 working hours late" in line.description  # 3 h 30 min: 4 started hours
    assert line.net == Decimal("-200.00")


def test_the_months_cap_credits_the_first_breaches_and_says_so(eks: Personas) -> None:
    terms.set_terms(
        plan=Plan.objects.get(code="EKS-HOTLINE"),
        basis="per_breach",
        amount=Decimal("200"),
        monthly_cap=Decimal("300"),
    )
    first, second, third = (hot01(eks, at(5, 9), f"Pytanie {n}") for n in range(3))
    actions.acknowledge_receipt(first, at=at(7, 9))
    actions.acknowledge_receipt(second, at=at(7, 11))
    actions.acknowledge_receipt(third, at=at(8, 9))
    lines = penalty_lines(eks.contract_a)
    assert [line.net for line in lines] == [
        Decimal("-200.00"),
        Decimal("-100.00"),
        Decimal("0.00"),
    ]
    assert "1 breach \N{MULTIPLICATION SIGN} 200.00 PLN" in lines[0].description
    assert "(monthly cap 300.00 PLN: 100.00 PLN credited)" in lines[1].description
    assert (lines[1].quantity, lines[1].unit_price) == (Decimal(1), Decimal("-100.00"))
    assert sum(line.net for line in lines) == Decimal("-300.00")


def test_force_majeure_noted_by_a_manager_carries_no_penalty(eks: Personas) -> None:
    excused = hot01(eks, at(5, 9), "Powódź")
    actions.acknowledge_receipt(excused, at=at(8, 10))
    late = hot01(eks, at(5, 9), "Zwykłe")
    actions.acknowledge_receipt(late, at=at(7, 9))
    note = actions.note_force_majeure(
        excused, reason="Powódź w serwerowni", staff=eks.account_manager
    )
    assert note.ticket_id == excused.pk
    assert AuditEvent.objects.filter(
        kind="ticket.force_majeure_noted", subject_id=str(excused.pk)
    ).exists()
    [line] = penalty_lines(eks.contract_a)
    assert line.ticket_reference == late.reference


def test_r_sla_9_time_waiting_for_the_customer_is_never_a_delay(eks: Personas) -> None:
    # SHIP START: reaction within 8 working hours (8-16) for e-mail. Received Mon 9:00,
    # due Tue 9:00; it waited for the customer Mon 10:00 - Tue 10:00 (8 working hours),
    # so the reaction is due Wed 9:00 and Wed 9:00 is on time.
    terms.set_terms(contract=eks.contract_b, basis="per_started_hour", amount=Decimal("10"))
    ticket = actions.open_ticket(
        eks.org_b, channel="email", subject="Etykiety", contact=eks.customer_b, received_at=at(5, 9)
    )
    assert ticket.reaction_due_at == at(6, 9)
    actions.wait_for_customer(ticket, at=at(5, 10))
    actions.customer_replied(ticket, at=at(6, 10))
    actions.start_work(ticket, at=at(7, 9))
    late = actions.open_ticket(
        eks.org_b,
        channel="email",
        subject="Bez czekania",
        contact=eks.customer_b,
        received_at=at(5, 9),
    )
    actions.start_work(late, at=at(6, 10, 30))
    [line] = penalty_lines(eks.contract_b)
    assert line.description.startswith(
        f"ticket {late.reference}: reaction due Tue 2026-10-06 09:00"
    )
    assert "2 working hours late \N{MULTIPLICATION SIGN} 10.00 PLN" in line.description


def test_a_contracts_own_terms_replace_its_plans(eks: Personas) -> None:
    assert eks.contract_a is not None
    terms.set_terms(contract=eks.contract_a, basis="per_breach", amount=Decimal("75.50"))
    actions.acknowledge_receipt(hot01(eks, at(5, 9)), at=at(7, 10))
    [line] = penalty_lines(eks.contract_a)
    assert line.net == Decimal("-75.50")
    assert terms.clear_terms(contract=eks.contract_a)
    assert terms.terms_for(eks.contract_a).amount == Decimal("50.00")  # type: ignore[union-attr]


def test_a_contract_without_terms_has_no_penalty_lines(presets: None) -> None:
    p = make_personas("EKS-HOTLINE")
    actions.acknowledge_receipt(hot01(p, at(5, 9)), at=at(9, 10))
    assert penalty_lines(p.contract_a) == []


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"basis": "per_day", "amount": Decimal(1)}, "basis"),
        ({"basis": "per_breach", "amount": None}, "amount"),
        ({"basis": "per_breach", "amount": Decimal(-1)}, "amount"),
        ({"basis": "per_breach", "amount": Decimal("NaN")}, "amount"),
        (
            {"basis": "per_breach", "amount": Decimal(1), "monthly_cap": Decimal("1e12")},
            "monthly_cap",
        ),
    ],
)
def test_bad_terms_are_refused_naming_the_field(eks: Personas, values: dict, field: str) -> None:
    with pytest.raises(terms.PenaltyError, match=f"^{field}: "):
        terms.set_terms(contract=eks.contract_a, **values)


def test_a_penalty_line_reads_in_polish_and_english(eks: Personas) -> None:
    from django.utils import translation

    from opiekun.reports import wording

    actions.acknowledge_receipt(hot01(eks, at(5, 9)), at=at(7, 10))
    [line] = penalty_lines(eks.contract_a)
    with translation.override("pl"):
        polish = wording.line(line.description)
    assert polish.startswith("zgłoszenie EKS/2026/")
    assert "potwierdzenie przyjęcia do Tue 2026-10-06 16:00" in polish
    assert polish.endswith(
        "2 rozpoczęte godziny robocze spóźnienia \N{MULTIPLICATION SIGN} 50.00 PLN"
    )
    with translation.override("en"):
        assert wording.line(line.description) == line.description
