"""What follows a change of plans or calendars: open tickets under them get their
deadlines recomputed, in the background, once the change is committed."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Q

from opiekun.catalog.models import Plan, WorkingCalendar


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
    from opiekun.tickets.tasks import recompute_open_deadlines

    transaction.on_commit(lambda: recompute_open_deadlines.delay(sorted(set(plan_ids)), reason))
