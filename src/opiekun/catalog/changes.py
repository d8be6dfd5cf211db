"""What follows a change of plans or calendars: open tickets under them get their
deadlines recomputed, in the background, once the change is committed."""

from __future__ import annotations

from django.db.models import Q

from opiekun.catalog.models import Plan, WorkingCalendar
from opiekun.catalog.signals import plans_changed


def plans_using(calendar: WorkingCalendar) -> list[int]:
    return list(
        Plan.objects.filter(
            Q(calendar=calendar) | Q(targets__calendar=calendar) | Q(channels__calendar=calendar)
        )
        .distinct()
        .values_list("pk", flat=True)
    )


def recompute_after_commit(plan_ids: list[int], reason: str) -> None:
    if not plan_ids:
        return
    # Tickets, above the catalog, recomputes them once this change is committed.
    plans_changed.send(sender=Plan, plan_ids=sorted(set(plan_ids)), reason=reason)
