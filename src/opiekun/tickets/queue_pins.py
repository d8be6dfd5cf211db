"""Whether a ticket is pinned above the queue's order (R-Q-1, R-Q-2): only a critical
one, and only where its vendor chose "critical outages first" (ADR 4). The seeds order
contract customers first, then the deadline; pinning is a vendor's choice, off by default."""

from __future__ import annotations

from opiekun.catalog.choices import Severity
from opiekun.contracts.models import Contract


def pins(contract: Contract | None, severity: str) -> bool:
    return bool(
        severity == Severity.CRITICAL and contract is not None and contract.plan.vendor.pin_critical
    )
