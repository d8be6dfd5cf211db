"""Who wants which kind where: a missing preference means on."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from opiekun.notifications.models import Kind, Preference

# Deadline notices are e-mailed by the SLA sweep already (tickets/notices.py, R-SLA-4,
# R-SLA-6), which the contract requires: here they are only shown in the inbox.
EMAILED_ELSEWHERE = frozenset({Kind.DEADLINE})


@dataclass(frozen=True)
class Choice:
    in_app: bool = True
    by_email: bool = True


def choices(staff_ids: Iterable[int], kind: str) -> dict[int, Choice]:
    """Each person's choice for ``kind``, one query for them all."""
    ids = list(staff_ids)
    found = {
        p.recipient_id: Choice(p.in_app, p.by_email)
        for p in Preference.objects.filter(recipient_id__in=ids, kind=kind)
    }
    return {pk: found.get(pk, Choice()) for pk in ids}


def table(staff_id: int) -> dict[str, Choice]:
    """Every kind for one person, for the preferences page."""
    found = {
        p.kind: Choice(p.in_app, p.by_email)
        for p in Preference.objects.filter(recipient_id=staff_id)
    }
    return {kind: found.get(kind, Choice()) for kind in Kind.values}
