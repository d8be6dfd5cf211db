"""Periodic jobs claim their period (issue 19): two beats, or a message delivered again
after its worker died, run a job once a period."""

from __future__ import annotations

import datetime as dt

from opiekun.core import actions
from opiekun.core.models import PeriodicRun

PLANNED = dt.datetime(2026, 12, 1, 8, 0, 2, tzinfo=dt.UTC)


def test_it_claims_a_period_once(db: None) -> None:
    first = actions.claim_period("sla-sweep", 60, PLANNED)
    assert first is not None
    assert actions.claim_period("sla-sweep", 60, PLANNED + dt.timedelta(seconds=50)) is None
    assert actions.claim_period("mail-poll", 60, PLANNED) is not None  # another job
    following = actions.claim_period("sla-sweep", 60, PLANNED + dt.timedelta(seconds=60))
    assert following is not None
    assert following.period == first.period + 1
    assert PeriodicRun.objects.filter(job="sla-sweep").count() == 2


def test_it_records_when_a_run_finished_and_what_it_handled(db: None) -> None:
    run = actions.claim_period("sla-sweep", 60, PLANNED)
    assert run is not None
    assert run.finished_at is None
    actions.finish_period(run, 7)
    run.refresh_from_db()
    assert run.finished_at is not None
    assert run.handled == 7
