"""Which kinds a contact receives: a missing preference means on."""

from __future__ import annotations

from functools import partial

from opiekun.core import batch
from opiekun.notifications.customer_kinds import CustomerKind
from opiekun.notifications.customer_models import CustomerPreference


def wanted(contact_id: int, kind: str) -> bool:
    """Read once per batch (a chunk of mail from one customer asks it many times)."""
    return batch.remember(("customer_wanted", contact_id, kind), partial(_wanted, contact_id, kind))


def _wanted(contact_id: int, kind: str) -> bool:
    found = CustomerPreference.objects.filter(contact_id=contact_id, kind=kind).first()
    return found is None or found.enabled


def table(contact_id: int) -> dict[str, bool]:
    """Every kind for one contact, for the portal page and the API."""
    found = dict(
        CustomerPreference.objects.filter(contact_id=contact_id).values_list("kind", "enabled")
    )
    return {kind: found.get(kind, True) for kind in CustomerKind.values}
