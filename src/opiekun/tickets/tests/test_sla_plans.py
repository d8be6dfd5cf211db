"""One hand-checked row per seed plan: an e-mail received Friday 20 November 2026 at 15:30
(R-SLA-1, R-SLA-2, R-SLA-5, R-SLA-6, R-PLN-2, R-PLN-3, R-PLN-5, R-PLN-6)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from opiekun.catalog.models import Plan
from opiekun.tickets import sla

pytestmark = pytest.mark.django_db
W = ZoneInfo("Europe/Warsaw")
FRIDAY_1530 = dt.datetime(2026, 11, 20, 15, 30, tzinfo=W)


def at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 11, day, hour, minute, tzinfo=W)


PLANS = [
    # plan, severity, clock starts, due (None: no guarantee), why
    ("KJM-CARE", "normal", at(20, 15, 30), None, "2 h only for critical outages"),
    ("KJM-CARE", "critical", at(20, 15, 30), at(20, 17, 30), "2 h on the 7-22 daily clock"),
    ("KJM-PACKAGE", "normal", at(20, 15, 30), None, "no reaction guarantee"),
    ("PWSK-BASIC", "normal", at(20, 15, 30), None, "no target in the seed"),
    ("PWSK-SUPERVISION", "critical", at(20, 15, 30), None, "'fast' is not a number"),
    ("SHIP-COMMUNITY", "normal", at(23, 10, 0), None, "after 13:00: next opening Mon 10:00"),
    (
        "SHIP-EMAIL",
        "normal",
        at(23, 9, 0),
        at(24, 15, 0),
        "after 15:00: the clock starts Mon 9:00; 6 h Mon + 6 h Tue ends at Tuesday's close",
    ),
    ("SHIP-START", "normal", at(20, 15, 30), at(23, 15, 30), "30 min Fri + 7 h 30 min Mon"),
    ("SHIP-STANDARD", "normal", at(20, 15, 30), at(23, 9, 30), "1 h 30 min Fri + 2 h 30 min Mon"),
    (
        "SHIP-STANDARD",
        "critical",
        at(20, 15, 30),
        at(21, 9, 30),
        "days off too: 1 h 30 min Fri + 2 h 30 min Sat",
    ),
    ("SHIP-PREMIUM", "normal", at(20, 15, 30), None, "targets are agreed per customer"),
    ("EKS-HOTLINE", "normal", at(20, 15, 30), None, "no reaction target; receipt confirmed by Mon"),
    ("MER-SOS", "normal", at(20, 15, 30), at(30, 15, 30), "48 working hours = 6 days of 8-16"),
    ("MER-SOS-LICENCE", "normal", at(20, 15, 30), at(30, 15, 30), "on S.O.S. terms"),
]


@pytest.mark.parametrize(("code", "severity", "starts", "due", "why"), PLANS)
def test_every_seed_plan(
    presets: None, code: str, severity: str, starts: dt.datetime, due: dt.datetime | None, why: str
) -> None:
    decision = sla.decide(
        sla.terms_for(Plan.objects.get(code=code)),
        received_at=FRIDAY_1530,
        channel="email",
        severity=severity,
    )
    assert decision.due_at == due, why
    assert decision.guaranteed is (due is not None), why
    assert decision.clock_starts_at == starts, why
    if due is None:
        assert decision.no_guarantee_reason
    else:
        assert decision.explanation[-1] == f"Reaction due {sla.when(due)}."


def test_r_sla_6_eks_receipt_due_monday(presets: None) -> None:
    decision = sla.decide(
        sla.terms_for(Plan.objects.get(code="EKS-HOTLINE")),
        received_at=FRIDAY_1530,
        channel="email",
        severity="normal",
    )
    assert decision.ack_due_at == at(23, 16, 0)
