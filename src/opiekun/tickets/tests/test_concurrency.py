"""Reference signs under real concurrency, on the real PostgreSQL server."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from opiekun.core.testing.personas import make_personas
from opiekun.tickets import actions
from opiekun.tickets.models import Ticket


@pytest.mark.needs_postgres
@pytest.mark.django_db(transaction=True)
def test_parallel_intake_never_reuses_or_skips_a_reference() -> None:
    org = make_personas().org_a
    errors: list[BaseException] = []
    barrier = threading.Barrier(20)

    def intake(n: int) -> None:
        try:
            barrier.wait()
            actions.open_ticket(org, channel="email", subject=f"Równoległe {n}")
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=intake, args=(n,)) for n in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    numbers = sorted(
        int(ref.rsplit("/", 1)[1]) for ref in Ticket.objects.values_list("reference", flat=True)
    )
    assert numbers == list(range(1, 21))
