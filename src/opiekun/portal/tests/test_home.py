"""Deadlines and balances a customer understands (issue 16): each open ticket's reaction
deadline and whether it was met, a missed one said so; hour banks with used, left,
expiry and the run-out forecast; the plan's hours and the holidays ahead, named in the
reader's language."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone, translation

from opiekun.catalog.calendars import working_calendar
from opiekun.catalog.models import Plan
from opiekun.contracts import banks
from opiekun.customers.models import Contact
from opiekun.portal.home import deadline, holidays_ahead
from opiekun.testing.personas import Personas
from opiekun.tickets import actions
from opiekun.tickets.models import Ticket

pytestmark = pytest.mark.django_db


def client_of(p: Personas, who: str, language: str = "pl") -> Client:
    Contact.objects.filter(user=p.user(who)).update(language=language)
    client = Client()
    client.force_login(p.user(who))
    return client


def critical(p: Personas, subject: str) -> Ticket:
    return actions.open_ticket(
        p.org_a, channel="email", subject=subject, severity="critical", contact=p.customer_a
    )


def test_each_open_ticket_says_its_deadline_and_a_missed_one_says_so(
    contracted_personas: Personas,
) -> None:
    p = contracted_personas
    now = timezone.now()
    due = critical(p, "Czeka na reakcję")
    missed = critical(p, "Przegapione")
    # As if received three hours ago with a one-hour target.
    earlier = now - dt.timedelta(hours=3)
    Ticket.objects.filter(pk=missed.pk).update(
        received_at=earlier, clock_starts_at=earlier, reaction_due_at=now - dt.timedelta(hours=1)
    )
    met = critical(p, "Dotrzymane")
    Ticket.objects.filter(pk=met.pk).update(reacted_at=now)
    late = critical(p, "Spóźnione")
    Ticket.objects.filter(pk=late.pk).update(
        received_at=earlier,
        clock_starts_at=earlier,
        reaction_due_at=now - dt.timedelta(hours=2),
        reacted_at=now,
        reaction_breached=True,
    )
    plain = actions.open_ticket(p.org_a, channel="email", subject="Pytanie", contact=p.customer_a)
    states = {t.subject: deadline(t, now).state for t in Ticket.objects.all()}
    assert states == {
        "Czeka na reakcję": "due",
        "Przegapione": "missed",
        "Dotrzymane": "met",
        "Spóźnione": "missed",
        "Pytanie": "none",
    }
    page = client_of(p, "customer_a", "en").get("/portal/").content.decode()
    assert page.count("deadline-missed") == 2 and "missed: was due" in page
    assert "missed: due" in page and "met: due" in page
    assert page.count("deadline-due") == 1 and "no guaranteed reaction" in page
    assert due.reference in page and plain.reference in page
    polish = client_of(p, "customer_a").get("/portal/").content.decode()
    assert "przekroczony: termin minął" in polish


def test_a_paused_ticket_says_its_clock_waits(contracted_personas: Personas) -> None:
    ticket = critical(contracted_personas, "Czekamy na klienta")
    Ticket.objects.filter(pk=ticket.pk).update(paused_since=timezone.now())
    ticket.refresh_from_db()
    assert deadline(ticket, timezone.now() + dt.timedelta(days=3)).state == "paused"


def test_balances_say_used_left_and_the_plan_s_hours(contracted_personas: Personas) -> None:
    p = contracted_personas
    assert p.contract_b is not None
    banks.ensure_month_banks(p.contract_b, timezone.localdate())
    ticket = actions.open_ticket(p.org_b, channel="phone", subject="Telefon", contact=p.customer_b)
    # SHIP: 10 minutes of phone work + 5 to write it down, per started 15 (R-HRS-2).
    actions.log_work(ticket, staff=p.agent, kind="phone", raw_minutes=10)
    page = client_of(p, "customer_b", "en").get("/portal/").content.decode()
    assert 'used <strong class="used">15 min</strong>' in page
    assert 'left <strong class="balance">165 min</strong>' in page
    assert "expires" in page
    assert "Your plan START works Mon-Fri 8-16" in page
    assert "Days off in the next 60 days" in page
    polish = client_of(p, "customer_b").get("/portal/").content.decode()
    assert "wykorzystano" in polish and "pon.-pt. 8-16" in polish


def test_holidays_ahead_are_named_in_the_reader_s_language(presets: None) -> None:
    calendar = working_calendar(Plan.objects.get(code="KJM-CARE").calendar)
    with translation.override("en"):
        english = holidays_ahead(calendar, dt.date(2026, 12, 20))
    with translation.override("pl"):
        polish = holidays_ahead(calendar, dt.date(2026, 12, 20))
    # 26 December 2026 is a Saturday: KJM's week does not work it, so it is not listed.
    assert [day for day, _ in english] == [
        dt.date(2026, 12, 24),
        dt.date(2026, 12, 25),
        dt.date(2027, 1, 1),
        dt.date(2027, 1, 6),
    ]
    assert dict(english)[dt.date(2026, 12, 25)] == "Christmas Day"
    assert dict(polish)[dt.date(2026, 12, 25)] == "Boże Narodzenie (pierwszy dzień)"
    assert dict(english)[dt.date(2027, 1, 6)] == "Epiphany"
    # A calendar that works holidays (KJM's duty clock) has none to list.
    duty = Plan.objects.get(code="KJM-CARE").targets.get().calendar
    assert duty is not None
    assert holidays_ahead(working_calendar(duty), dt.date(2026, 12, 20)) == []
