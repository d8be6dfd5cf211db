"""The console's side of issue 15 items 1, 2 and 10: opening tickets (new-ticket page,
customer card, caller box with the call running), the assignment box, work corrections
and the managers' assignment rules; errors next to their fields, typed text kept."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from opiekun.catalog.models import Plan
from opiekun.core.models import AuditEvent
from opiekun.customers import actions as customer_actions
from opiekun.staff.models import StaffMember
from opiekun.testing.personas import Personas
from opiekun.testing.signin import verified_login
from opiekun.tickets import actions
from opiekun.tickets.models import Ticket

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}


def signed_in(p: Personas, who: str = "agent", language: str = "pl") -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(p.user(who))
    return client


def test_the_picker_finds_customers_by_name_and_never_lists_them_all(
    contracted_personas: Personas,
) -> None:
    p = contracted_personas
    for n in range(30):
        customer_actions.create_organisation(f"Hurtownia {n}", f"hurt-{n}")
    client = signed_in(p)
    found = client.get("/console/pickers/organisations", {"q": "firma a"}).content.decode()
    assert "Firma A" in found and "Firma B" not in found
    many = client.get("/console/pickers/organisations", {"q": "hurt"}).content.decode()
    assert many.count("<li>") == 20  # the picker stays short
    page = client.get("/console/tickets/new", {"q": "firma b"}).content.decode()
    assert f"?organisation={p.org_b.pk}" in page and "Firma A" not in page


def test_a_new_ticket_goes_through_the_intake_with_its_file_and_running_call(
    contracted_personas: Personas,
) -> None:
    p = contracted_personas
    client = signed_in(p)
    form = client.get("/console/tickets/new", {"organisation": p.org_a.pk}).content.decode()
    assert "Adam Klient" in form and "Beata Klientka" not in form  # A's contacts only
    response = client.post(
        "/console/tickets/open",
        {
            "organisation": p.org_a.pk,
            "contact": p.customer_a.pk,
            "channel": "phone",
            "severity": "critical",
            "subject": "Nie działa nic",
            "body": "Żadne stanowisko nie startuje.",
            "call_running": "on",
            "attachments": [SimpleUploadedFile("zrzut.png", b"\x89PNG obraz")],
        },
    )
    ticket = Ticket.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/console/tickets/{ticket.pk}/"
    assert (ticket.organisation, ticket.contact, ticket.channel) == (p.org_a, p.customer_a, "phone")
    assert ticket.severity == "critical" and not ticket.pinned and ticket.reaction_due_at
    assert ticket.attachments.get().filename == "zrzut.png"
    assert ticket.call_started_at is not None and ticket.call_taken_by == p.agent
    opened = AuditEvent.objects.get(kind="ticket.opened")
    assert opened.actor == p.agent.user and opened.data["contract"] == "A/1"


def test_a_refused_ticket_shows_the_error_by_its_field_and_keeps_what_was_typed(
    contracted_personas: Personas,
) -> None:
    p = contracted_personas
    client = signed_in(p)
    response = client.post(
        "/console/tickets/open",
        {
            "organisation": p.org_a.pk,
            "contact": p.customer_b.pk,  # another organisation's contact
            "channel": "email",
            "severity": "normal",
            "subject": "   ",
            "body": "Długi opis, którego nie wolno zgubić",
        },
    )
    page = response.content.decode()
    assert response.status_code == 400 and not Ticket.objects.exists()
    assert "Długi opis, którego nie wolno zgubić" in page
    # Django's own checks speak Polish; the field errors are next to their fields.
    assert page.index('id="id_subject"') < page.index("To pole jest wymagane")
    assert page.index('id="id_contact"') < page.index("Wybierz poprawną wartość")
    english = signed_in(p, language="en").post(
        "/console/tickets/open",
        {"organisation": p.org_a.pk, "channel": "fax", "severity": "low", "subject": ""},
    )
    assert "This field is required" in english.content.decode()
    assert (
        signed_in(p).post("/console/tickets/open", {"subject": "x"}).status_code == 400
    )  # no organisation: pick one first


def test_the_customer_card_offers_a_ticket_for_that_customer(
    contracted_personas: Personas,
) -> None:
    p = contracted_personas
    card = signed_in(p).get(f"/console/customers/{p.org_a.pk}/").content.decode()
    assert f"/console/tickets/new?organisation={p.org_a.pk}" in card


def test_a_phone_ticket_from_the_caller_box_runs_the_call_and_logs_it_when_it_ends(
    contracted_personas: Personas,
) -> None:
    p = contracted_personas
    client = signed_in(p)
    box = client.get("/console/caller", {"number": "601 000 001"}).content.decode()
    assert 'action="/console/caller/ticket"' in box
    assert f'<option value="{p.customer_a.pk}" selected>' in box
    refused = client.post(
        "/console/caller/ticket",
        {"contact": p.customer_a.pk, "number": "+48601000001", "subject": "", "body": "Notatka"},
    )
    assert refused.status_code == 400 and "Notatka" in refused.content.decode()
    client.post(
        "/console/caller/ticket",
        {
            "contact": p.customer_a.pk,
            "number": "+48601000001",
            "severity": "normal",
            "subject": "Faktura",
        },
    )
    ticket = Ticket.objects.get()
    assert ticket.channel == "phone" and ticket.contact == p.customer_a
    assert ticket.call_started_at is not None
    Ticket.objects.filter(pk=ticket.pk).update(
        call_started_at=timezone.now() - dt.timedelta(minutes=12)
    )
    page = client.get(f"/console/tickets/{ticket.pk}/").content.decode()
    assert f"/console/tickets/{ticket.pk}/end-call" in page
    client.post(f"/console/tickets/{ticket.pk}/end-call", {"note": "Wyjaśnione"})
    ticket.refresh_from_db()
    work = ticket.work_logs.get()
    assert ticket.call_started_at is None
    assert (work.kind, work.raw_minutes, work.note) == ("phone", 12, "Wyjaśnione")
    again = client.post(f"/console/tickets/{ticket.pk}/end-call", follow=True)
    assert ticket.work_logs.count() == 1 and again.status_code == 200


def test_the_assignment_box_takes_assigns_and_unassigns(contracted_personas: Personas) -> None:
    p = contracted_personas
    ticket = actions.open_ticket(p.org_a, channel="email", subject="Kto")
    client = signed_in(p)
    base = f"/console/tickets/{ticket.pk}"
    assert f"{base}/take" in client.get(f"{base}/").content.decode()
    taken = client.post(f"{base}/take", headers=HTMX).content.decode()
    assert 'id="assignment"' in taken and "(ty)" in taken
    ticket.refresh_from_db()
    assert ticket.assignee == p.agent
    client.post(f"{base}/assign", {"assignee_id": p.account_manager.pk})
    ticket.refresh_from_db()
    assert ticket.assignee == p.account_manager
    client.post(f"{base}/unassign")
    ticket.refresh_from_db()
    assert ticket.assignee is None
    kinds = list(AuditEvent.objects.filter(subject_id=ticket.pk).values_list("kind", flat=True))
    assert kinds.count("ticket.assigned") == 2 and kinds.count("ticket.unassigned") == 1
    StaffMember.objects.filter(pk=p.account_manager.pk).update(is_active=False)
    refused = client.post(f"{base}/assign", {"assignee_id": p.account_manager.pk}, headers=HTMX)
    text = refused.content.decode()
    assert text.index('id="assign-assignee_id"') < text.index("Wybierz aktywnego pracownika.")
    ticket.refresh_from_db()
    assert ticket.assignee is None


def test_a_work_line_is_corrected_from_the_ticket_page(contracted_personas: Personas) -> None:
    p = contracted_personas
    ticket = actions.open_ticket(p.org_a, channel="email", subject="Praca", contact=p.customer_a)
    work = actions.log_work(ticket, staff=p.agent, kind="phone", raw_minutes=30)
    client = signed_in(p)
    url = f"/console/tickets/{ticket.pk}/work/{work.pk}/correct"
    assert url in client.get(f"/console/tickets/{ticket.pk}/").content.decode()
    refused = client.post(
        url, {f"w{work.pk}-raw_minutes": "20", f"w{work.pk}-reason": ""}, headers=HTMX
    )
    text = refused.content.decode()
    assert "To pole jest wymagane" in text and 'value="20"' in text
    assert ticket.work_logs.count() == 1
    done = client.post(
        url, {f"w{work.pk}-raw_minutes": "20", f"w{work.pk}-reason": "Źle wpisane"}, headers=HTMX
    ).content.decode()
    fix = ticket.work_logs.get(corrects=work)
    assert fix.raw_minutes == -10 and fix.correction_reason == "Źle wpisane"
    assert "Źle wpisane" in done
    assert AuditEvent.objects.filter(kind="ticket.work_corrected").count() == 1
    # A correction is not corrected itself: its address does not exist.
    assert (
        client.post(
            f"/console/tickets/{ticket.pk}/work/{fix.pk}/correct",
            {f"w{fix.pk}-raw_minutes": "1", f"w{fix.pk}-reason": "x"},
        ).status_code
        == 404
    )


@pytest.mark.parametrize("who", ["customer_a", "outsider"])
def test_none_of_it_answers_anyone_but_staff(contracted_personas: Personas, who: str) -> None:
    p = contracted_personas
    ticket = actions.open_ticket(p.org_a, channel="email", subject="Cudze")
    client = signed_in(p, who)
    assert client.post(f"/console/tickets/{ticket.pk}/take").status_code == 404
    assert client.post("/console/tickets/open", {"organisation": p.org_a.pk}).status_code == 404
    ticket.refresh_from_db()
    assert ticket.assignee == p.account_manager and Ticket.objects.count() == 1


def test_support_managers_set_the_assignment_rules(contracted_personas: Personas) -> None:
    p = contracted_personas
    plan = Plan.objects.get(code="KJM-CARE")
    assert signed_in(p).get("/console/plans/").status_code == 404  # an agent
    assert (
        signed_in(p).post(f"/console/plans/{plan.pk}/assignment", {"assignment_rule": "none"})
    ).status_code == 404
    StaffMember.objects.filter(pk=p.account_manager.pk).update(is_manager=True)
    manager = Client()
    verified_login(manager, p.user("account_manager"))
    assert "KJM-CARE" in manager.get("/console/plans/").content.decode()
    manager.post(f"/console/plans/{plan.pk}/assignment", {"assignment_rule": "round_robin"})
    plan.refresh_from_db()
    assert plan.assignment_rule == "round_robin"
    bad = manager.post(
        f"/console/vendors/{plan.vendor_id}/assignment", {"assignment_rule": "dice"}, follow=True
    )
    assert plan.vendor.assignment_rule == "account_manager"
    assert "Wybierz jedną z podanych reguł." in bad.content.decode()
