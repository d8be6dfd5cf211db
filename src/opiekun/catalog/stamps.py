"""A plan's ``updated_at`` stamps everything its SLA terms are made of (issue 20, item 6).

Intake keeps each plan's compiled terms per process, keyed by the plan's id and stamp
(``tickets.sla.terms_for``), which arrive with the contract it reads anyway: no read of
targets, channels or calendars per ticket. So any change of what the terms are made of
moves the stamp of every plan using it, in the change's transaction: a reaction target
or channel moves its plan's, a calendar (its row, intervals or dates) its own and its
plans', a vendor (its assignment rule) its plans'. Another process sees the new stamp
with its next contract read and compiles the terms again. Connected in
``CatalogConfig.ready``; the catalog writes these rows one by one (no bulk updates)."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save
from django.utils import timezone

from opiekun.catalog.changes import plans_using
from opiekun.catalog.models import (
    CalendarDate,
    CalendarInterval,
    Plan,
    PlanChannel,
    ReactionTarget,
    Vendor,
    WorkingCalendar,
)


def _touch_plans(plan_ids: list[int]) -> None:
    if plan_ids:
        Plan.objects.filter(pk__in=plan_ids).update(updated_at=timezone.now())


def plan_part_changed(sender: Any, instance: ReactionTarget | PlanChannel, **kwargs: Any) -> None:
    _touch_plans([instance.plan_id])


def calendar_changed(sender: Any, instance: WorkingCalendar, **kwargs: Any) -> None:
    if instance.pk is not None:
        _touch_plans(plans_using(instance))


def calendar_part_changed(
    sender: Any, instance: CalendarInterval | CalendarDate, **kwargs: Any
) -> None:
    calendar = WorkingCalendar.objects.filter(pk=instance.calendar_id).first()
    if calendar is None:
        return  # deleted with its calendar
    WorkingCalendar.objects.filter(pk=calendar.pk).update(updated_at=timezone.now())
    _touch_plans(plans_using(calendar))


def vendor_changed(sender: Any, instance: Vendor, **kwargs: Any) -> None:
    _touch_plans(list(Plan.objects.filter(vendor=instance).values_list("pk", flat=True)))


def connect() -> None:
    parts: list[tuple[Any, type]] = [
        (plan_part_changed, ReactionTarget),
        (plan_part_changed, PlanChannel),
        (calendar_part_changed, CalendarInterval),
        (calendar_part_changed, CalendarDate),
    ]
    for signal in (post_save, post_delete):
        for handler, model in parts:
            signal.connect(handler, sender=model, dispatch_uid=f"stamp.{model.__name__}")
    post_save.connect(calendar_changed, sender=WorkingCalendar, dispatch_uid="stamp.calendar")
    post_save.connect(vendor_changed, sender=Vendor, dispatch_uid="stamp.vendor")
