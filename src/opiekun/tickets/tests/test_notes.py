"""The notes stored on a ticket are English and the same for everyone (the API, the
audit trail); each reader sees them in their own language (issue 7, R-CH-1, R-SLA-5)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import translation

from opiekun.testing.personas import Personas
from opiekun.tickets import actions, notes

CALL_AT_NIGHT = (
    "account manager's mobile is open Mon-Fri 07:00-16:00; Europe/Warsaw; "
    "closed on public holidays (PL); account manager's mobile: bez SMS"
)


@pytest.mark.parametrize(
    ("stored", "polish"),
    [
        ("no contract in force", "brak umowy w mocy"),
        (
            notes.write("only_for", names="critical outage"),
            "plan gwarantuje reakcję tylko dla: awaria krytyczna",
        ),
        (
            notes.write("only_by", names="e-mail, fax"),
            "plan gwarantuje reakcję tylko dla zgłoszeń przesłanych kanałem: e-mail, faks",
        ),
        (
            notes.write("plan_closes", plan="SHIP-EMAIL", channel="phone (general line)"),
            "SHIP-EMAIL nie udostępnia kanału: telefon (linia ogólna)",
        ),
        (
            CALL_AT_NIGHT,
            "komórka opiekuna klienta jest czynny: pon.-pt. 07:00-16:00; Europe/Warsaw; "
            "nieczynne w święta (PL); komórka opiekuna klienta: bez SMS",
        ),
        ("a note from before the sentences", "a note from before the sentences"),
    ],
)
def test_a_stored_note_reads_in_the_readers_language(stored: str, polish: str) -> None:
    with translation.override("pl"):
        assert notes.for_reader(stored) == polish
    with translation.override("en"):
        assert notes.for_reader(stored) == stored  # English is the stored text itself


def test_a_value_that_is_not_a_label_is_not_mistaken_for_one() -> None:
    odd = "Europe/Warsaw; closed: really"  # looks like "<channel>: <restriction>", is not
    with translation.override("pl"):
        assert notes.for_reader(odd) == odd


@pytest.mark.django_db
def test_the_queue_says_why_in_polish_and_the_api_in_english(
    contracted_personas: Personas,
) -> None:
    p = contracted_personas  # KJM care guarantees a reaction to critical outages only
    ticket = actions.open_ticket(p.org_a, channel="email", subject="Pytanie", contact=p.customer_a)
    assert ticket.guarantee_note == "the plan guarantees a reaction only for: critical outage"
    agent = Client()
    agent.force_login(p.user("agent"))
    queue = agent.get("/console/").content.decode()
    assert "bez gwarancji: plan gwarantuje reakcję tylko dla: awaria krytyczna" in queue
    api = agent.get(f"/api/v1/tickets/{ticket.pk}", HTTP_ACCEPT_LANGUAGE="pl").json()
    assert api["no_guarantee_reason"] == ticket.guarantee_note


@pytest.mark.django_db
def test_every_line_of_a_deadlines_explanation_reads_in_polish(
    contracted_personas: Personas,
) -> None:
    """A new kind of line without its sentence fails here, instead of showing English."""
    import datetime as dt
    from zoneinfo import ZoneInfo

    p = contracted_personas
    w = ZoneInfo("Europe/Warsaw")
    made = [
        # KJM care, critical outage at night (R-SLA-4: the 7:00-22:00 clock).
        actions.open_ticket(
            p.org_a,
            channel="email",
            subject="a",
            severity="critical",
            contact=p.customer_a,
            received_at=dt.datetime(2026, 11, 10, 23, 0, tzinfo=w),
        ),
        # SHIP START by e-mail on the eve of a holiday (11 November).
        actions.open_ticket(
            p.org_b,
            channel="email",
            subject="b",
            contact=p.customer_b,
            received_at=dt.datetime(2026, 11, 10, 14, 0, tzinfo=w),
        ),
        # No guarantee: a normal question under KJM care.
        actions.open_ticket(
            p.org_a,
            channel="email",
            subject="c",
            contact=p.customer_a,
            received_at=dt.datetime(2026, 11, 12, 9, 0, tzinfo=w),
        ),
    ]
    lines = [line for t in made for line in t.sla_explanation]
    assert len(lines) > 8
    with translation.override("pl"):
        shown = notes.lines_for_reader(lines)
    untranslated = [line for line, said in zip(lines, shown, strict=True) if line == said]
    assert untranslated == []
    assert any("Dzień wolny: śr. 2026-11-11" in line for line in shown)


@pytest.mark.django_db
def test_every_line_of_every_plans_billing_reads_in_polish(presets: None) -> None:
    from opiekun.catalog.models import Plan
    from opiekun.contracts.tariffs import tariff_for
    from opiekun.tariff import bill

    lines = set()
    for plan in Plan.objects.all():
        tariff = tariff_for(plan)
        for kind in tariff.kinds:
            for out_of_hours, emergency in ((False, False), (True, False), (True, True)):
                billing = bill(tariff, kind, 17, out_of_hours=out_of_hours, emergency=emergency)
                lines.update(billing.explanation)
    assert len(lines) > 20
    with translation.override("pl"):
        untranslated = [line for line in sorted(lines) if notes.lines_for_reader([line]) == [line]]
    assert untranslated == []
