"""Issue 19: a second beat started by mistake does no harm. Each periodic job of the
contracts claims its rows; here the race a second beat makes, played in order: the other
beat ends the contract between this one's list and its lock (R-CON-2)."""

from __future__ import annotations

import datetime as dt

import pytest

from opiekun.catalog.models import Plan
from opiekun.contracts import actions, sweeps
from opiekun.contracts.models import Contract
from opiekun.core.audit import events_for
from opiekun.testing.personas import Personas

pytestmark = pytest.mark.django_db


def noticed_contract(p: Personas) -> Contract:
    quote = actions.create_quote(p.org_a, Plan.objects.get(code="KJM-CARE"), number="Q/2BEAT")
    contract = actions.accept_quote(quote, accepted_on=dt.date(2026, 1, 10))
    return actions.give_notice(contract, by="customer", given_on=dt.date(2026, 10, 5))


def test_r_con_2_a_contract_ended_by_the_other_beat_is_not_ended_again(
    personas: Personas, presets: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    contract = noticed_contract(personas)
    day = dt.date(2026, 11, 5)
    real_lock = sweeps._locked
    other_beat_ran: list[bool] = []

    def lock_after_the_other_beat(contract_ids: list[int]) -> list[Contract]:
        if not other_beat_ran:
            other_beat_ran.append(True)
            assert actions.end_due(day) == 1  # the other beat, between our list and our lock
        return real_lock(contract_ids)

    monkeypatch.setattr(sweeps, "_locked", lock_after_the_other_beat)
    assert actions.end_due(day) == 0
    contract.refresh_from_db()
    assert contract.status == "terminated"  # not "expired" on top
    assert events_for(contract).filter(kind="contract.ended").count() == 1
