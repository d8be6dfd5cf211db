"""Issue 20, item 6: a plan's SLA terms are read once per process, and every change of
what they are made of (targets, channels, calendars, the vendor) is seen at once, by
this process and by any other (the plan's stamp moves; catalog.stamps)."""

from __future__ import annotations

import datetime as dt
from functools import partial

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from opiekun.catalog.models import CalendarInterval, Plan, PlanChannel, Vendor
from opiekun.core import batch
from opiekun.tickets import sla
from opiekun.tickets.actions.assignment import rule_for

pytestmark = pytest.mark.django_db


def plan() -> Plan:
    return Plan.objects.select_related("calendar").get(code="SHIP-START")


def test_issue_20_item_6_the_terms_are_read_once_per_process(presets: None) -> None:
    first = sla.terms_for(plan())
    with CaptureQueriesContext(connection) as queries:
        again = sla.terms_for(plan())
    assert again is first
    assert len(queries) == 1  # the plan itself (its stamp), as intake's contract read has it


def test_issue_20_item_6_an_edited_target_is_seen_at_once(presets: None) -> None:
    before = plan()
    old = sla.terms_for(before)
    target = before.targets.order_by("pk").first()
    assert target is not None
    target.minutes += 60
    target.save()
    after = plan()
    assert after.updated_at > before.updated_at
    new = sla.terms_for(after)
    assert [t.minutes for t in new.targets] != [t.minutes for t in old.targets]
    assert target.minutes in [t.minutes for t in new.targets]


def test_issue_20_item_6_an_edited_calendar_interval_moves_its_plans(presets: None) -> None:
    before = plan()
    old = sla.terms_for(before).service.describe()
    interval = CalendarInterval.objects.filter(calendar=before.calendar).order_by("pk").first()
    assert interval is not None
    interval.end = dt.time(23, 0)
    interval.save()
    after = plan()
    assert after.updated_at > before.updated_at
    assert after.calendar.updated_at > before.calendar.updated_at
    assert sla.terms_for(after).service.describe() != old
    interval.delete()  # a removed one too
    assert plan().updated_at > after.updated_at


def test_issue_20_item_6_a_channel_or_vendor_change_moves_the_stamp(presets: None) -> None:
    stamp = plan().updated_at
    channel = PlanChannel.objects.filter(plan=plan()).order_by("pk").first()
    assert channel is not None
    channel.guaranteed = not channel.guaranteed
    channel.save()
    assert plan().updated_at > stamp
    before = plan()
    rule = rule_for(before)
    vendor = Vendor.objects.get(pk=before.vendor_id)
    vendor.assignment_rule = "none" if rule != "none" else "account_manager"
    vendor.save()
    after = plan()
    assert after.updated_at > before.updated_at
    if not after.assignment_rule:  # the plan's own rule, when set, wins over the vendor's
        assert rule_for(after) == vendor.assignment_rule


def test_issue_20_item_6_the_kept_values_are_bounded() -> None:
    batch.forget_lasting()
    for n in range(batch.LASTING_SIZE + 10):
        batch.lasting(("test", n), partial(int, n))
    assert batch.lasting(("test", 0), lambda: "again") == "again"  # the oldest went
    assert batch.lasting(("test", batch.LASTING_SIZE + 9), lambda: "again") == (
        batch.LASTING_SIZE + 9
    )
    batch.forget_lasting()
