"""Erasing a contact on request (GDPR art. 17; issue 19, item 7). A support manager
anonymises a contact by the action, the API or the console's button: name, addresses,
numbers and login go, the contact is deactivated, what they wrote stays with their
identifiers replaced, their raw mail is emptied; an audit event for each step. The
register handed over (R-REG-2) keeps what it issued: its hash is the same afterwards
and the issued copy still verifies. Anyone but a manager gets 404."""

from __future__ import annotations

import pytest
from django.test import Client

from opiekun.core.audit import events_for
from opiekun.customers.models import Contact, ContactEmail, ContactPhone
from opiekun.lifecycle import actions
from opiekun.lifecycle.tests.scenario import Month, a_month_of_support, hashes
from opiekun.mail import actions as mail_actions
from opiekun.mail.models import InboundMail, Mailbox
from opiekun.reports import verify
from opiekun.staff.models import StaffMember
from opiekun.testing.personas import Personas
from opiekun.testing.signin import verified_login
from opiekun.tickets.models import Message

pytestmark = pytest.mark.django_db


@pytest.fixture
def month(contracted_personas: Personas) -> Month:
    p = contracted_personas
    done = a_month_of_support(p)
    mailbox = Mailbox.objects.create(
        name="pomoc", address="pomoc@kjm.example", host="127.0.0.1", username="u"
    )
    raw = b"From: Adam Klient <adam@a.example>\r\nMessage-ID: <q1@a.example>\r\n\r\nAdam Klient"
    row, _new = mail_actions.receive(mailbox, raw)
    InboundMail.objects.filter(pk=row.pk).update(sender="adam@a.example", state="ingested")
    return done


@pytest.fixture
def manager(contracted_personas: Personas) -> Client:
    member = contracted_personas.account_manager
    StaffMember.objects.filter(pk=member.pk).update(is_manager=True)
    client = Client()
    verified_login(client, member.user)
    return client


def _login(p: Personas, who: str) -> Client:
    client = Client()
    client.force_login(p.user(who))
    return client


def _assert_erased(p: Personas, month: Month) -> None:
    contact = Contact.objects.select_related("user").get(pk=p.customer_a.pk)
    assert contact.full_name == f"[removed] #{contact.pk}"
    assert not contact.is_active
    assert not ContactEmail.objects.filter(contact=contact).exists()
    assert not ContactPhone.objects.filter(contact=contact).exists()
    assert contact.user is not None
    assert not contact.user.is_active and not contact.user.has_usable_password()
    assert (contact.user.email, contact.user.username) == ("", f"anonymised-{contact.pk}")
    # What they wrote stays, without the name, number and address they wrote in it.
    question = Message.objects.get(author_contact=contact)
    assert question.body_text == (
        "Dzień dobry, tu [removed] (tel. [removed], [removed]): wydruk się zawiesza."
    )
    assert question.sender == ""
    # The answer the register prints is left as it was issued.
    answer = Message.objects.get(author_staff=p.agent)
    assert answer.body_text.startswith("Panie Adamie, proszę zaktualizować")
    raw = InboundMail.objects.get()
    assert bytes(raw.raw) == b"" and raw.sender == "" and raw.raw_purged_at is not None
    steps = ("anonymised", "login_removed", "messages_redacted", "raw_mail_removed")
    kinds = [e.kind for e in events_for(contact)]
    assert [kinds.count(f"contact.{step}") for step in steps] == [1, 1, 1, 1]
    # R-REG-2: the register of the month and its issued copy are untouched.
    assert hashes(p, month.month) == month.register_hashes
    assert verify.verify(month.issued_csv).ok


def test_r_reg_2_the_action_erases_the_contact_and_keeps_the_register(
    contracted_personas: Personas, month: Month
) -> None:
    p = contracted_personas
    done = actions.anonymise_contact(p.customer_a, actor=p.account_manager.user)
    assert (done.messages, done.raw_mail) == (1, 1)
    _assert_erased(p, month)
    # The other customer's contact is untouched.
    other = Contact.objects.get(pk=p.customer_b.pk)
    assert other.full_name == "Beata Klientka" and other.emails.exists()
    with pytest.raises(
        actions.ErasureError, match=r"^contact: Ta osoba kontaktowa została już zanonimizowana\."
    ):
        actions.anonymise_contact(p.customer_a)


def test_the_api_erases_for_a_manager_and_answers_404_to_anyone_else(
    contracted_personas: Personas, month: Month, manager: Client
) -> None:
    p = contracted_personas
    url = f"/api/v1/contacts/{p.customer_a.pk}/anonymise"
    for who in ("agent", "customer_a", "customer_b", "outsider"):
        assert _login(p, who).post(url).status_code == 404, who
    assert Contact.objects.get(pk=p.customer_a.pk).full_name == "Adam Klient"
    assert manager.post("/api/v1/contacts/999999/anonymise").status_code == 404
    response = manager.post(url)
    assert response.status_code == 200
    body = response.json()
    assert body["contact"]["full_name"] == f"[removed] #{p.customer_a.pk}"
    assert body["contact"]["emails"] == [] and body["contact"]["active"] is False
    assert body["messages_redacted"] == 1 and body["raw_mail_removed"] == 1
    _assert_erased(p, month)
    again = manager.post(url)
    assert again.status_code == 400 and again.json()["field"] == "contact"


def test_the_console_button_asks_for_confirmation_and_is_a_managers(
    contracted_personas: Personas, month: Month, manager: Client
) -> None:
    p = contracted_personas
    page = manager.get(f"/console/customers/{p.org_a.pk}/").content.decode()
    url = f"/console/customers/{p.org_a.pk}/contacts/{p.customer_a.pk}/anonymise"
    assert f'action="{url}"' in page
    agent = Client()
    verified_login(agent, p.agent.user)
    assert f'action="{url}"' not in agent.get(f"/console/customers/{p.org_a.pk}/").content.decode()
    assert agent.post(url, {"confirm": "yes"}).status_code == 404
    assert _login(p, "outsider").post(url, {"confirm": "yes"}).status_code == 404
    assert _login(p, "customer_a").post(url, {"confirm": "yes"}).status_code == 404
    # The contact of another organisation under this organisation's address: 404.
    wrong = f"/console/customers/{p.org_a.pk}/contacts/{p.customer_b.pk}/anonymise"
    assert manager.post(wrong, {"confirm": "yes"}).status_code == 404

    unconfirmed = manager.post(url, follow=True, HTTP_ACCEPT_LANGUAGE="pl")
    assert "Zaznacz pole, aby potwierdzić anonimizację." in unconfirmed.content.decode()
    assert Contact.objects.get(pk=p.customer_a.pk).full_name == "Adam Klient"

    response = manager.post(url, {"confirm": "yes"})
    assert response.status_code == 302
    _assert_erased(p, month)
