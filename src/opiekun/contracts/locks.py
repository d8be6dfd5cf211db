"""The one lock behind every decision about an organisation's money and months.

Whether a package still has time in it, whether a month is closed, what a register says
when it is approved: each is read and then acted on, and two requests must not both read
the old state (issue 13: 50 parallel work logs drew a 120-minute package 4 times and billed
26 more as overage). The organisation's row is that lock. Order, to avoid deadlocks:
organisation, then contract, then ticket, then banks.

On SQLite ``select_for_update`` does nothing, but every write transaction there begins
IMMEDIATE (env.database), which serialises writers just the same."""

from __future__ import annotations

from opiekun.customers.models import Organisation


def hold_organisation(organisation_id: int) -> None:
    """Locks the organisation's row until the surrounding transaction ends."""
    list(Organisation.objects.select_for_update().filter(pk=organisation_id).values_list("pk"))
