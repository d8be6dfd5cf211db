"""The SLA sweep runs once a period however often beat sends it (issue 19): the period
is the one beat sent it in, read from the message's expiry (one period after sending)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from opiekun.core.models import PeriodicRun
from opiekun.tickets.tasks import sweep_sla


def run_as_sent(expires: dt.datetime | None) -> int:
    """The task as a worker runs it, with the request of beat's message."""
    sweep_sla.push_request(expires=expires.isoformat() if expires else None)
    try:
        return int(sweep_sla.run())
    finally:
        sweep_sla.pop_request()


def test_a_second_message_of_the_same_period_does_not_sweep(
    db: None, settings: pytest.FixtureRequest
) -> None:
    settings.SLA_SWEEP_SECONDS = 60  # type: ignore[attr-defined]
    # Sent at the start of a minute: its expiry, and a second beat's a second later.
    sent = timezone.now().replace(second=0, microsecond=0)
    run_as_sent(sent + dt.timedelta(seconds=60))
    run_as_sent(sent + dt.timedelta(seconds=61))
    assert PeriodicRun.objects.filter(job="sla-sweep").count() == 1
    run_as_sent(sent + dt.timedelta(seconds=120))  # the next period
    runs = list(PeriodicRun.objects.filter(job="sla-sweep").order_by("period"))
    assert [r.period - runs[0].period for r in runs] == [0, 1]
    assert all(r.finished_at is not None for r in runs)


def test_a_sweep_started_by_hand_claims_the_current_period(
    db: None, settings: pytest.FixtureRequest
) -> None:
    settings.SLA_SWEEP_SECONDS = 3600  # type: ignore[attr-defined]
    run_as_sent(None)
    run_as_sent(None)
    assert PeriodicRun.objects.filter(job="sla-sweep").count() == 1
