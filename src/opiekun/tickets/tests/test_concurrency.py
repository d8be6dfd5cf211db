"""Reference signs under real concurrency, on the real PostgreSQL server."""

from __future__ import annotations

import pytest

from opiekun.testing.personas import make_personas
from opiekun.testing.threads import run_in_threads
from opiekun.tickets import actions
from opiekun.tickets.models import Ticket


@pytest.mark.needs_postgres
@pytest.mark.django_db(transaction=True)
def test_parallel_intake_never_reuses_or_skips_a_reference() -> None:
    org = make_personas().org_a
    errors = run_in_threads(
        lambda n: actions.open_ticket(org, channel="email", subject=f"Równoległe {n}"), 20
    )
    assert errors == []
    numbers = sorted(
        int(ref.rsplit("/", 1)[1]) for ref in Ticket.objects.values_list("reference", flat=True)
    )
    assert numbers == list(range(1, 21))
