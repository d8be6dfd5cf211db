"""Issue 20, item 4: the SLA report is one aggregate over the reaction minutes the clock
actions keep on each ticket. Its figures are those of the report it replaces, which
walked every ticket's calendar (kept below as the reference), on a seeded month with
reactions by work and by answer, pauses before and after the reaction, late, pending and
unguaranteed tickets, a ticket without a contract, and ratings (R-SLA-1, R-SLA-4,
R-SLA-9)."""

from __future__ import annotations

import datetime as dt
import importlib
import statistics
from collections import Counter, defaultdict
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from opiekun.customers import actions as customer_actions
from opiekun.reports import tables
from opiekun.tariff.periods import month_start
from opiekun.testing.personas import Personas
from opiekun.tickets import actions, notes, sla
from opiekun.tickets.models import Rating, Ticket

pytestmark = pytest.mark.django_db
W = ZoneInfo("Europe/Warsaw")


def at(day: int, hour: int, minute: int = 0, month: int = 10) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, minute, tzinfo=W)


def walked_minutes(ticket: Ticket) -> int | None:
    """The reaction as the report computed it before issue 20: the calendar walked at
    report time."""
    if ticket.reacted_at is None or ticket.contract is None:
        return None
    terms = sla.terms_for(ticket.contract.plan)
    target = sla.find_target(terms, ticket.severity, terms.guarantee_channel(ticket.channel))
    calendar = target.calendar if target else terms.service
    start = ticket.clock_starts_at or ticket.received_at
    if ticket.reacted_at <= start:
        return 0
    return max(
        calendar.working_minutes_between(start, ticket.reacted_at) - ticket.paused_minutes, 0
    )


def walked_report(first: dt.date, last: dt.date, now: dt.datetime) -> list[list[object]]:
    """The rows of the report before issue 20: a Python loop over every ticket."""
    lo = tables.banks.local_midnight(month_start(first))
    hi = tables.banks.local_midnight(tables.next_month_start(last))
    scores = dict(
        Rating.objects.filter(ticket__received_at__gte=lo, ticket__received_at__lt=hi).values_list(
            "ticket_id", "score"
        )
    )
    groups: dict[tuple[str, str, dt.date], list[Ticket]] = defaultdict(list)
    for ticket in (
        Ticket.objects.filter(received_at__gte=lo, received_at__lt=hi)
        .select_related("contract__plan", "organisation")
        .order_by("received_at")
    ):
        plan = ticket.contract.plan.code if ticket.contract else "—"
        month = month_start(timezone.localtime(ticket.received_at).date())
        groups[(plan, ticket.organisation.name, month)].append(ticket)
    rows: list[list[object]] = []
    for (plan, organisation, month), found in sorted(groups.items()):
        counts: Counter[str] = Counter()
        why: Counter[str] = Counter()
        reactions = []
        rated = [scores[t.pk] for t in found if t.pk in scores]
        for t in found:
            if not t.guaranteed:
                counts["none"] += 1
                why[notes.for_reader(t.guarantee_note or notes.write("no_guarantee"))] += 1
            elif t.reaction_breached or (
                t.reacted_at is None and t.reaction_due_at and t.reaction_due_at < now
            ):
                counts["breached"] += 1
            elif t.reacted_at is None:
                counts["pending"] += 1
            else:
                counts["met"] += 1
            minutes = walked_minutes(t) if t.guaranteed else None
            if minutes is not None:
                reactions.append(minutes)
        rows.append(
            [
                plan,
                organisation,
                f"{month:%Y-%m}",
                counts["met"],
                counts["breached"],
                counts["pending"],
                counts["none"],
                "; ".join(f"{reason} ({n})" for reason, n in why.most_common()),
                round(statistics.median(reactions)) if reactions else None,
                max(reactions) if reactions else None,
                len(rated),
                (Decimal(sum(rated)) / len(rated)).quantize(Decimal("0.01")) if rated else None,
            ]
        )
    return rows


def seed_month(p: Personas) -> None:
    """October 2026 on both contracts, every way a ticket reacts or does not."""
    a, b = p.org_a, p.org_b
    ca, cb = p.customer_a, p.customer_b

    def ticket(org: object, contact: object, day: int, hour: int, **kw: str) -> Ticket:
        return actions.open_ticket(
            org,  # type: ignore[arg-type]
            channel=kw.pop("channel", "email"),
            subject=f"{day}/{hour}",
            contact=contact,  # type: ignore[arg-type]
            received_at=at(day, hour),
            **kw,  # type: ignore[arg-type]
        )

    # KJM-CARE critical outages: the clock runs 7:00-22:00 every day (R-SLA-4).
    evening = ticket(a, ca, 5, 21, severity="critical")
    actions.start_work(evening, at=at(6, 7, 45))
    quick = ticket(a, ca, 7, 10, severity="critical")
    actions.start_work(quick, at=at(7, 10, 20))
    late = ticket(a, ca, 8, 9, severity="critical")
    actions.start_work(late, at=at(8, 15))  # after its 2 h: breached
    ticket(a, ca, 9, 9, severity="critical")  # never reacted: breached by now
    # A pause before the reaction stops the clock (R-SLA-9) ...
    paused = ticket(a, ca, 12, 8, severity="critical")
    actions.wait_for_customer(paused, at=at(12, 8, 30))
    actions.customer_replied(paused, at=at(12, 11))
    actions.start_work(paused, at=at(12, 11, 40))
    # ... and one after it is subtracted too, as the report always did.
    after = ticket(a, ca, 13, 8, severity="critical")
    actions.start_work(after, at=at(13, 8, 50))
    actions.wait_for_customer(after, at=at(13, 9))
    actions.customer_replied(after, at=at(13, 9, 30))
    # Normal questions under care carry no guarantee (R-SLA-4), twice the same reason.
    for day in (14, 15):
        ticket(a, ca, day, 10)
    # SHIP-START: 8 working hours 8:00-16:00 (R-PLN-2); received after hours the clock
    # starts the next working morning (R-SLA-2); answered reacts too (R-SLA-1).
    friday = ticket(b, cb, 16, 17)
    actions.start_work(friday, at=at(19, 9, 15))
    answered = ticket(b, cb, 20, 9)
    actions.answer(answered, staff=p.agent, body="Odpowiedź", channel="email")
    ticket(b, cb, 21, 9, channel="phone")  # a call-back: no guarantee (R-SLA-5)
    for reacted in (friday, answered):
        actions.resolve(reacted)
    actions.rate(friday, contact=cb, score=5)
    actions.rate(answered, contact=cb, score=2)
    # A customer without a contract: the plan column reads "—".
    loose = customer_actions.create_organisation("Firma C", "firma-c")
    none = actions.open_ticket(loose, channel="phone", subject="bez umowy", received_at=at(22, 9))
    actions.start_work(none, at=at(22, 10))


def test_r_sla_1_the_kept_report_gives_the_walked_reports_figures(
    contracted_personas: Personas,
) -> None:
    seed_month(contracted_personas)
    now = timezone.now()
    october = dt.date(2026, 10, 1)
    expected = walked_report(october, october, now)
    kept = tables.sla_report(october, october, now).rows
    assert kept == expected
    # The month is not trivial: every kind of count and both reaction figures show.
    by_org = {row[1]: row for row in kept}
    assert by_org["Firma A"][3:7] == [4, 2, 0, 2] and by_org["Firma A"][8:10] != [None, None]
    assert by_org["Firma B"][10:] == [2, Decimal("3.50")]
    assert by_org["Firma C"][0] == "—"


def test_the_report_reads_a_few_queries_whatever_the_number_of_tickets(
    contracted_personas: Personas,
) -> None:
    seed_month(contracted_personas)
    october = dt.date(2026, 10, 1)
    with CaptureQueriesContext(connection) as few:
        tables.sla_report(october, october)
    for day in range(1, 29):
        actions.start_work(
            actions.open_ticket(
                contracted_personas.org_a,
                channel="email",
                subject=f"więcej {day}",
                contact=contracted_personas.customer_a,
                severity="critical",
                received_at=at(day, 12),
            ),
            at=at(day, 12, 30),
        )
    with CaptureQueriesContext(connection) as many:
        tables.sla_report(october, october)
    assert len(many) == len(few) <= 3


def test_r_sla_9_the_reaction_is_kept_on_the_ticket_with_its_calendar(
    contracted_personas: Personas,
) -> None:
    p = contracted_personas
    evening = actions.open_ticket(
        p.org_a,
        channel="email",
        subject="Awaria",
        severity="critical",
        contact=p.customer_a,
        received_at=at(5, 21, 30),
    )
    assert evening.reaction_working_minutes is None
    actions.start_work(evening, at=at(6, 7, 45))
    evening.refresh_from_db()
    # 30 min that evening and 45 the next morning on the 7:00-22:00 clock.
    assert evening.reaction_working_minutes == 75 and evening.reaction_calendar
    assert evening.contract is not None
    target = sla.find_target(sla.terms_for(evening.contract.plan), "critical", "email")
    assert target is not None and evening.reaction_calendar == target.calendar.name
    actions.wait_for_customer(evening, at=at(6, 8))
    actions.customer_replied(evening, at=at(6, 8, 20))
    evening.refresh_from_db()
    assert (evening.reaction_working_minutes, evening.paused_minutes) == (75, 20)
    assert tables.reaction_minutes(evening) == 55 == walked_minutes(evening)


def test_the_migration_backfills_the_tickets_that_reacted_before_it(
    contracted_personas: Personas,
) -> None:
    seed_month(contracted_personas)
    kept = dict(Ticket.objects.values_list("pk", "reaction_working_minutes"))
    calendars = dict(Ticket.objects.values_list("pk", "reaction_calendar"))
    assert any(kept.values())
    Ticket.objects.update(reaction_working_minutes=None, reaction_calendar="")
    migration = importlib.import_module("opiekun.tickets.migrations.0014_reaction_minutes")
    migration.backfill(apps, None)
    assert dict(Ticket.objects.values_list("pk", "reaction_working_minutes")) == kept
    assert dict(Ticket.objects.values_list("pk", "reaction_calendar")) == calendars
