"""Reads of work logs with their corrections folded in: one line per piece of work, with
the minutes it counts now, as statements and registers should show it (R-HRS-5)."""

from __future__ import annotations

from dataclasses import dataclass, field

from opiekun.contracts.models import HourBank, LedgerEntry
from opiekun.tickets.models import WorkLog


@dataclass
class Work:
    """An original entry and its corrections; the minutes are the sums of them all."""

    original: WorkLog
    corrections: list[WorkLog] = field(default_factory=list)

    @property
    def entries(self) -> list[WorkLog]:
        return [self.original, *self.corrections]

    @property
    def raw_minutes(self) -> int:
        return sum(w.raw_minutes for w in self.entries)

    @property
    def billable_minutes(self) -> int:
        return sum(w.billable_minutes for w in self.entries)

    @property
    def overage_minutes(self) -> int:
        return sum(w.overage_minutes for w in self.entries)

    @property
    def reasons(self) -> list[str]:
        return [w.correction_reason for w in self.corrections]

    @property
    def described(self) -> str:
        """What a statement line says (stored, so English): the note, and why corrected."""
        text = self.original.note or self.original.ticket.subject
        if self.reasons:
            text = f"{text} (corrected: {'; '.join(self.reasons)})"
        return text[:300]

    def drawn(self) -> dict[HourBank, int]:
        """Net minutes taken per bank, of the ledger entries prefetched with their bank;
        banks it no longer takes anything from are left out."""
        taken: dict[HourBank, int] = {}
        for w in self.entries:
            for e in w.ledger_entries.all():
                if e.kind in (LedgerEntry.Kind.USE, LedgerEntry.Kind.CORRECTION):
                    taken[e.bank] = taken.get(e.bank, 0) - e.minutes
        return {bank: minutes for bank, minutes in taken.items() if minutes > 0}


def folded(entries: list[WorkLog]) -> list[Work]:
    """Groups entries (corrections are dated at their original, so both are in any list
    of a period) into pieces of work, in the order of the originals."""
    works = {w.pk: Work(w) for w in entries if w.corrects_id is None}
    for w in entries:
        if w.corrects_id is not None and w.corrects_id in works:
            works[w.corrects_id].corrections.append(w)
    return list(works.values())
