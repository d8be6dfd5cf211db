"""Customer notifications leave after commit, once, in the contact's language, as the
contact chose, with a link to unsubscribe from the kind (issue 16, item 2)."""

from __future__ import annotations

import re
from email.header import decode_header, make_header
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.db import transaction
from django.test import Client
from django.urls import reverse

from opiekun.mail.models import Mailbox
from opiekun.notifications import customer_actions, customer_links, customer_tasks
from opiekun.notifications.customer_kinds import CustomerKind
from opiekun.notifications.customer_models import CustomerNotice, CustomerTemplate
from opiekun.testing.mailservers import SmtpSink
from opiekun.testing.personas import Personas
from opiekun.tickets import actions
from opiekun.tickets.models import Ticket

pytestmark = pytest.mark.django_db


def speaks(personas: Personas, language: str) -> None:
    personas.customer_a.language = language
    personas.customer_a.save()


def phone_ticket(personas: Personas, subject: str = "Drukarka") -> Ticket:
    return actions.open_ticket(
        personas.org_a,
        channel="phone",
        subject=subject,
        contact=personas.customer_a,
        actor=personas.agent.user,
    )


def unsubscribe_link(body: object) -> str:
    found = re.search(r"https?://\S+/portal/unsubscribe/\S+/", str(body))
    assert found, body
    return found.group(0)


def test_receipt_leaves_after_commit_once_in_polish(
    personas: Personas, eager_celery: None, django_capture_on_commit_callbacks
) -> None:
    speaks(personas, "pl")
    with django_capture_on_commit_callbacks(execute=False) as queued:
        ticket = phone_ticket(personas)
        notice = CustomerNotice.objects.get(contact=personas.customer_a)
        assert mail.outbox == []  # nothing before the commit
    for callback in queued:
        callback()
    receipts = [m for m in mail.outbox if m.to == ["adam@a.example"]]
    assert len(receipts) == 1
    sent = receipts[0]
    assert sent.subject == f"[{ticket.reference}] Przyjęliśmy zgłoszenie: Drukarka"
    assert "Termin reakcji: brak gwarantowanego czasu reakcji" in sent.body
    assert f"/portal/tickets/{ticket.pk}/" in sent.body
    assert sent.extra_headers["Auto-Submitted"] == "auto-generated"
    assert "List-Unsubscribe" in sent.extra_headers
    assert "/portal/unsubscribe/" in unsubscribe_link(sent.body)
    notice.refresh_from_db()
    assert (notice.kind, notice.recipient) == (CustomerKind.RECEIPT, "adam@a.example")
    # The task delivered again (a worker restart, a duplicate): no second e-mail.
    assert customer_tasks.send_notice(notice.pk) is False
    assert len([m for m in mail.outbox if m.to == ["adam@a.example"]]) == 1


def test_receipt_in_english_for_an_english_contact(
    personas: Personas, eager_celery: None, django_capture_on_commit_callbacks
) -> None:
    speaks(personas, "en")
    with django_capture_on_commit_callbacks(execute=True):
        ticket = phone_ticket(personas, "Printer")
    (sent,) = [m for m in mail.outbox if m.to == ["adam@a.example"]]
    assert sent.subject == f"[{ticket.reference}] We have received your request: Printer"
    assert "Reaction deadline: no guaranteed reaction time" in sent.body
    assert "To stop receiving e-mail about receipt of my question" in sent.body


def test_a_guaranteed_receipt_names_the_deadline_and_has_no_unsubscribe_link(
    contracted_personas: Personas, eager_celery: None, django_capture_on_commit_callbacks
) -> None:
    """KJM care guarantees a critical outage reported by phone (R-SLA-4): the receipt
    promises the deadline, so the contract requires it even after opting out."""
    p = contracted_personas
    customer_actions.set_choices(p.customer_a, {CustomerKind.RECEIPT: False})
    with django_capture_on_commit_callbacks(execute=True):
        ticket = actions.open_ticket(
            p.org_a, channel="phone", subject="Awaria", contact=p.customer_a, severity="critical"
        )
    assert ticket.guaranteed
    (sent,) = [m for m in mail.outbox if m.to == ["adam@a.example"]]
    assert "Termin reakcji: " in sent.body
    assert "brak gwarantowanego" not in sent.body
    assert "/portal/unsubscribe/" not in sent.body
    assert "List-Unsubscribe" not in sent.extra_headers


def test_nothing_is_stored_or_sent_when_the_action_rolls_back(
    personas: Personas, eager_celery: None, django_capture_on_commit_callbacks
) -> None:
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        phone_ticket(personas)
        assert CustomerNotice.objects.count() == 1
        raise RuntimeError("the action failed after telling")
    assert not CustomerNotice.objects.exists()
    assert [m for m in mail.outbox if m.to == ["adam@a.example"]] == []


def test_an_event_told_twice_notifies_once(personas: Personas) -> None:
    ticket = phone_ticket(personas)
    again = customer_actions.tell(
        CustomerKind.RECEIPT, personas.customer_a, key=f"receipt:{ticket.pk}", ticket=ticket
    )
    assert again is None
    assert CustomerNotice.objects.filter(contact=personas.customer_a).count() == 1


def test_a_vendors_edited_template_is_used(
    personas: Personas, eager_celery: None, django_capture_on_commit_callbacks
) -> None:
    speaks(personas, "en")
    CustomerTemplate.objects.filter(kind=CustomerKind.RECEIPT, language="en").update(
        subject="Got it: {reference}", body="Dear {contact_name} of {organisation}: {subject}"
    )
    with django_capture_on_commit_callbacks(execute=True):
        ticket = phone_ticket(personas, "Printer")
    (sent,) = [m for m in mail.outbox if m.to == ["adam@a.example"]]
    assert sent.subject == f"Got it: {ticket.reference}"
    assert sent.body.startswith("Dear Adam Klient of Firma A: Printer")


def test_a_portal_answer_is_announced_with_a_link_not_its_text(
    personas: Personas, eager_celery: None, django_capture_on_commit_callbacks
) -> None:
    """R-CH-2: a portal question is answered on the portal; the e-mail only points there."""
    speaks(personas, "en")
    ticket = actions.open_ticket(
        personas.org_a, channel="portal", subject="Raport", contact=personas.customer_a
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        actions.answer(ticket, staff=personas.agent, body="Tajna treść odpowiedzi")
    (sent,) = [m for m in mail.outbox if m.to == ["adam@a.example"]]
    assert sent.subject == f"[{ticket.reference}] Your request was answered: Raport"
    assert f"/portal/tickets/{ticket.pk}/" in sent.body
    assert "Tajna treść" not in sent.body


def test_an_email_answer_is_itself_the_email(
    contracted_personas: Personas, eager_celery: None, django_capture_on_commit_callbacks
) -> None:
    p = contracted_personas
    ticket = actions.open_ticket(p.org_b, channel="email", subject="Faktura", contact=p.customer_b)
    with django_capture_on_commit_callbacks(execute=True):
        actions.answer(ticket, staff=p.agent, body="Odpowiedź")
    assert not CustomerNotice.objects.filter(kind=CustomerKind.ANSWER).exists()


def test_waiting_and_resolved_are_told_each_time(
    personas: Personas, eager_celery: None, django_capture_on_commit_callbacks
) -> None:
    ticket = phone_ticket(personas)
    with django_capture_on_commit_callbacks(execute=True):
        actions.wait_for_customer(ticket)
        actions.customer_replied(ticket)
        actions.resolve(ticket)
        actions.reopen(ticket)
        actions.resolve(ticket)
    kinds = list(
        CustomerNotice.objects.filter(contact=personas.customer_a)
        .order_by("pk")
        .values_list("kind", flat=True)
    )
    assert kinds == ["receipt", "waiting", "resolved", "resolved"]
    subjects = [m.subject for m in mail.outbox if m.to == ["adam@a.example"]]
    assert f"[{ticket.reference}] Czekamy na Państwa odpowiedź: Drukarka" in subjects
    assert subjects.count(f"[{ticket.reference}] Zgłoszenie rozwiązane: Drukarka") == 2
    # The resolved e-mail carries the signed rating link, which opens without signing in.
    resolved = next(m for m in mail.outbox if "rozwiązane" in m.subject)
    link = re.search(r"https?://\S+/portal/rate/\S+", str(resolved.body))
    assert link is not None
    assert Client().get(urlsplit(link.group(0)).path).status_code == 200


def test_a_kind_switched_off_is_not_told_the_others_are(personas: Personas) -> None:
    customer_actions.set_choices(personas.customer_a, {CustomerKind.RECEIPT: False})
    ticket = phone_ticket(personas)
    assert not CustomerNotice.objects.exists()
    actions.resolve(ticket)
    assert list(CustomerNotice.objects.values_list("kind", flat=True)) == ["resolved"]


def test_unsubscribe_link_asks_then_switches_the_kind_off_without_signing_in(
    personas: Personas, eager_celery: None, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        phone_ticket(personas)
    (sent,) = [m for m in mail.outbox if m.to == ["adam@a.example"]]
    path = unsubscribe_link(sent.body).split("localhost:8000", 1)[1]
    client = Client(enforce_csrf_checks=True)
    page = client.get(path)
    assert page.status_code == 200
    assert b"unsubscribed" not in page.content
    # A link scanner's GET changed nothing.
    assert customer_actions.customer_preferences.wanted(personas.customer_a.pk, "receipt")
    done = client.post(path)
    assert done.status_code == 200
    assert b'id="unsubscribed"' in done.content
    assert not customer_actions.customer_preferences.wanted(personas.customer_a.pk, "receipt")
    assert customer_actions.customer_preferences.wanted(personas.customer_a.pk, "resolved")


def test_a_forged_or_foreign_token_is_404(personas: Personas) -> None:
    client = Client()
    good = customer_links.unsubscribe_token(personas.customer_a.pk, "receipt")
    for token in ("nonsense", good[:-2] + "xx"):
        assert client.get(reverse("portal:unsubscribe", args=[token])).status_code == 404
        assert client.post(reverse("portal:unsubscribe", args=[token])).status_code == 404
    bad_kind = customer_links.unsubscribe_token(personas.customer_a.pk, "no-such-kind")
    assert client.post(reverse("portal:unsubscribe", args=[bad_kind])).status_code == 404


def test_the_loop_guard_stops_mail_to_our_own_mailbox(
    personas: Personas, eager_celery: None, django_capture_on_commit_callbacks
) -> None:
    Mailbox.objects.create(
        name="pomoc", address="adam@a.example", host="127.0.0.1", port=1, username="u"
    )
    with django_capture_on_commit_callbacks(execute=True):
        phone_ticket(personas)
    notice = CustomerNotice.objects.get()
    assert (notice.sent_at, notice.skipped) == (None, "stopped by the loop guard")
    assert [m for m in mail.outbox if m.to == ["adam@a.example"]] == []


def test_the_portal_page_stores_the_contacts_choices(personas: Personas) -> None:
    client = Client()
    client.force_login(personas.user("customer_a"))
    page = client.get(reverse("portal:notifications"))
    assert page.status_code == 200
    kept = [k for k in CustomerKind.values if k not in ("answer", "bank_usage")]
    response = client.post(reverse("portal:notifications"), {"kinds": kept})
    assert response.status_code == 302
    table = customer_actions.customer_preferences.table(personas.customer_a.pk)
    assert [k for k, on in table.items() if not on] == ["answer", "bank_usage"]
    # Another contact's choices are untouched.
    assert all(customer_actions.customer_preferences.table(personas.customer_b.pk).values())


def test_receipt_and_answer_read_back_from_the_smtp_server_in_both_languages(
    personas: Personas, smtp_sink: SmtpSink, eager_celery: None, django_capture_on_commit_callbacks
) -> None:
    personas.customer_b.language = "en"
    personas.customer_b.save()
    tickets = {}
    with django_capture_on_commit_callbacks(execute=True):
        for org, contact in (
            (personas.org_a, personas.customer_a),
            (personas.org_b, personas.customer_b),
        ):
            ticket = actions.open_ticket(org, channel="portal", subject="Eksport", contact=contact)
            actions.answer(ticket, staff=personas.agent, body="Proszę zrestartować.")
            tickets[contact.pk] = ticket
    got = {
        (m["To"], str(make_header(decode_header(m["Subject"]))))
        for m in smtp_sink.messages
        if m["To"] != "opiekun@vendor.example"  # the account manager's own notices
    }
    a, b = tickets[personas.customer_a.pk], tickets[personas.customer_b.pk]
    assert got == {
        ("adam@a.example", f"[{a.reference}] Przyjęliśmy zgłoszenie: Eksport"),
        ("adam@a.example", f"[{a.reference}] Odpowiedź na zgłoszenie: Eksport"),
        ("beata@b.example", f"[{b.reference}] We have received your request: Eksport"),
        ("beata@b.example", f"[{b.reference}] Your request was answered: Eksport"),
    }
    english = next(m for m in smtp_sink.messages if m["To"] == "beata@b.example")
    assert english["Auto-Submitted"] == "auto-generated"
    assert "".join(english["List-Unsubscribe"].split()).startswith("<http://localhost:8000/")
    assert english["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
