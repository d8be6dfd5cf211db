"""Issue 16, accounts: a manager invites a contact by e-mail (a link to set a password,
valid 72 hours, once); an organisation's administrator contact sees all its tickets and
manages its people (R-PPL-2); a plain contact sees their own tickets and, where the
organisation allows, colleagues'. Outsiders get 404 everywhere."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core import mail
from django.test import Client

from opiekun.core.audit import events_for
from opiekun.core.invitations import InvitationTokens
from opiekun.customers import actions
from opiekun.customers.models import Contact
from opiekun.testing.personas import Personas
from opiekun.testing.threads import run_in_threads
from opiekun.tickets import actions as ticket_actions

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Zupełnie-nowe-hasło-42"


@pytest.fixture(autouse=True)
def _after_commit(monkeypatch: pytest.MonkeyPatch, django_capture_on_commit_callbacks) -> None:
    """The mail leaves after commit; the test's transaction never commits, so each
    request's after-commit work runs when the request ends, as it would in production."""
    request = Client.request

    def committed(self: Client, **kwargs: object) -> object:
        with django_capture_on_commit_callbacks(execute=True):
            return request(self, **kwargs)

    monkeypatch.setattr(Client, "request", committed)


def _client(personas: Personas, who: str) -> Client:
    client = Client()
    client.force_login(personas.user(who))
    return client


def sign_in(client: Client, username: str, password: str) -> int:
    return client.post("/login/", {"username": username, "password": password}).status_code


def _login(contact: Contact) -> Client:
    assert contact.user is not None
    client = Client()
    client.force_login(contact.user)
    return client


def _link(body: str) -> str:
    found = re.search(r"https?://[^/\s]+(/login/invitation/\S+/)", body)
    assert found, body
    return found.group(1)


def _set_password(link: str) -> Client:
    client = Client()
    form = client.get(link, follow=True)
    assert "id_new_password1" in form.content.decode()
    done = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        follow=True,
    )
    assert done.status_code == 200
    return client


@pytest.mark.parametrize(
    ("language", "subject", "words"),
    [
        ("pl", "Twój dostęp do portalu klienta", "Twoja nazwa użytkownika"),
        ("en", "Your access to the customer portal", "Your user name"),
    ],
)
def test_a_manager_invites_a_contact_who_sets_a_password_once(
    contracted_personas: Personas, language: str, subject: str, words: str
) -> None:
    p = contracted_personas
    response = _client(p, "account_manager").post(
        f"/console/customers/{p.org_a.pk}/invite",
        {"full_name": "Celina Nowa", "email": "Celina@A.example", "language": language},
    )
    assert response.status_code == 302
    invited = Contact.objects.get(full_name="Celina Nowa")
    assert invited.organisation == p.org_a and invited.language == language
    assert invited.user is not None and not invited.user.has_usable_password()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["Celina@A.example"] and message.subject == subject
    assert words in message.body and "celina@a.example" in message.body
    assert "72" in message.body
    link = _link(str(message.body))
    _set_password(link)
    invited.user.refresh_from_db()
    assert invited.user.check_password(NEW_PASSWORD)
    assert sign_in(Client(), "celina@a.example", NEW_PASSWORD) == 302
    assert events_for(invited).filter(kind="contact.invited").exists()
    # Once: the same link does not set a password again.
    again = Client().get(link, follow=True).content.decode()
    assert "id_new_password1" not in again


def test_an_invitation_lasts_72_hours(
    contracted_personas: Personas,
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks,
) -> None:
    p = contracted_personas
    with django_capture_on_commit_callbacks(execute=True):
        actions.invite_contact(p.org_a, "Celina Nowa", "celina@a.example", site="http://testserver")
    link = _link(str(mail.outbox[0].body))
    issued = dt.datetime.now()  # noqa: DTZ005 - the token generator counts in naive local time
    monkeypatch.setattr(InvitationTokens, "_now", lambda self: issued + dt.timedelta(hours=73))
    assert "id_new_password1" not in Client().get(link, follow=True).content.decode()
    monkeypatch.setattr(InvitationTokens, "_now", lambda self: issued + dt.timedelta(hours=71))
    assert "id_new_password1" in Client().get(link, follow=True).content.decode()


def test_a_password_reset_link_is_no_invitation(contracted_personas: Personas) -> None:
    # Another salt: a reset link for the same user does not open the invitation page.
    from django.contrib.auth.tokens import default_token_generator
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    user = contracted_personas.user("customer_a")
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    page = Client().get(f"/login/invitation/{uid}/{token}/", follow=True).content.decode()
    assert "id_new_password1" not in page


def test_only_a_manager_or_the_account_manager_invites(contracted_personas: Personas) -> None:
    p = contracted_personas
    for who in ("agent", "customer_b", "outsider"):
        response = _client(p, who).post(
            f"/console/customers/{p.org_a.pk}/invite",
            {"full_name": "Intruz", "email": "intruz@x.example", "language": "pl"},
        )
        assert response.status_code == 404, who
        response = _client(p, who).post(
            f"/console/customers/{p.org_a.pk}/contacts/{p.customer_a.pk}/invite"
        )
        assert response.status_code == 404, who
    assert not Contact.objects.filter(full_name="Intruz").exists() and mail.outbox == []


def test_an_address_in_use_is_refused_in_words(contracted_personas: Personas) -> None:
    p = contracted_personas
    page = _client(p, "account_manager").post(
        f"/console/customers/{p.org_a.pk}/invite",
        {"full_name": "Drugi Adam", "email": "ADAM@a.example", "language": "pl"},
        follow=True,
    )
    assert "Ten adres ma już inna osoba kontaktowa." in page.content.decode()
    assert not Contact.objects.filter(full_name="Drugi Adam").exists() and mail.outbox == []


def _colleague(p: Personas, name: str = "Cezary Kolega") -> Contact:
    return actions.add_contact(
        p.org_a,
        name,
        emails=[f"{name.split()[0].lower()}@a.example"],
        portal_username=name.split()[0].lower(),
        portal_password="x",
    )


def test_a_plain_contact_sees_own_tickets_and_colleagues_only_if_the_organisation_allows(
    contracted_personas: Personas,
) -> None:
    p = contracted_personas
    colleague = _colleague(p)
    admins = ticket_actions.open_ticket(
        p.org_a, channel="email", subject="Sprawa Adama", contact=p.customer_a
    )
    own = ticket_actions.open_ticket(
        p.org_a, channel="email", subject="Sprawa Cezarego", contact=colleague
    )
    client = _login(colleague)
    home = client.get("/portal/").content.decode()
    assert "Sprawa Cezarego" in home and "Sprawa Adama" not in home
    assert client.get(f"/portal/tickets/{admins.pk}/").status_code == 404
    assert client.get(f"/api/v1/tickets/{admins.pk}").status_code == 404
    assert [t["id"] for t in client.get("/api/v1/tickets").json()["items"]] == [own.pk]
    # The administrator sees a colleague's ticket.
    admin = _client(p, "customer_a")
    assert admin.get(f"/portal/tickets/{own.pk}/").status_code == 200
    assert "Sprawa Cezarego" in admin.get("/portal/").content.decode()
    # The administrator lets colleagues see each other's tickets.
    assert (
        admin.post("/portal/contacts/visibility", {"contacts_see_all_tickets": "on"}).status_code
        == 302
    )
    assert client.get(f"/portal/tickets/{admins.pk}/").status_code == 200
    assert "Sprawa Adama" in client.get("/portal/").content.decode()


def test_the_administrator_manages_the_people_of_the_organisation(
    contracted_personas: Personas,
) -> None:
    p = contracted_personas
    colleague = _colleague(p)
    admin = _client(p, "customer_a")
    page = admin.get("/portal/contacts/").content.decode()
    assert "Cezary Kolega" in page and "Adam Klient" in page
    # R-PPL-2: the colleague may now use the package and administers; then leaves.
    admin.post(
        f"/portal/contacts/{colleague.pk}/change",
        {"is_active": "on", "is_authorised": "on", "is_single_point_of_contact": "on"},
    )
    colleague.refresh_from_db()
    assert colleague.is_single_point_of_contact and not colleague.is_organisation_admin
    admin.post(f"/portal/contacts/{colleague.pk}/change", {})
    colleague.refresh_from_db()
    assert not colleague.is_active and not colleague.is_authorised
    left = _login(colleague)
    assert left.get("/portal/").status_code == 404
    # The only administrator cannot drop their own role.
    refused = admin.post(
        f"/portal/contacts/{p.customer_a.pk}/change", {"is_active": "on"}, follow=True
    )
    assert "Organizacja potrzebuje najpierw innego aktywnego administratora." in (
        refused.content.decode()
    )
    p.customer_a.refresh_from_db()
    assert p.customer_a.is_organisation_admin
    # An invitation from the portal.
    admin.post(
        "/portal/contacts/invite",
        {"full_name": "Dorota Nowa", "email": "dorota@a.example", "language": "en"},
    )
    assert Contact.objects.get(full_name="Dorota Nowa").organisation == p.org_a
    assert mail.outbox[0].subject == "Your access to the customer portal"


def test_nobody_else_manages_the_people(contracted_personas: Personas) -> None:
    p = contracted_personas
    colleague = _colleague(p)
    plain = _login(colleague)
    for client in (plain, _client(p, "outsider"), _client(p, "agent")):
        assert client.get("/portal/contacts/").status_code == 404
        assert client.post("/portal/contacts/invite", {"full_name": "X"}).status_code == 404
        assert client.post("/portal/contacts/visibility", {}).status_code == 404
    for client in (plain, _client(p, "customer_b"), _client(p, "outsider"), _client(p, "agent")):
        for target in (p.customer_a, colleague):
            assert client.post(f"/portal/contacts/{target.pk}/change", {}).status_code == 404
            assert client.post(f"/portal/contacts/{target.pk}/invite").status_code == 404
    # Customer B's administrator manages B's people only.
    page = _client(p, "customer_b").get("/portal/contacts/").content.decode()
    assert "Beata Klientka" in page and "Cezary Kolega" not in page and "Adam" not in page
    colleague.refresh_from_db()
    p.org_a.refresh_from_db()
    assert colleague.is_active and not p.org_a.contacts_see_all_tickets and mail.outbox == []
    assert "portal/contacts" not in plain.get("/portal/").content.decode()


def test_the_api_invites_and_changes_roles(contracted_personas: Personas) -> None:
    p = contracted_personas
    admin = _client(p, "customer_a")
    made = admin.post(
        f"/api/v1/organisations/{p.org_a.pk}/invitations",
        {"full_name": "Ewa Nowa", "email": "ewa@a.example", "language": "en"},
        content_type="application/json",
    )
    assert made.status_code == 201, made.content
    assert made.json()["has_login"] and made.json()["language"] == "en"
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["ewa@a.example"]
    bad = admin.post(
        f"/api/v1/organisations/{p.org_a.pk}/invitations",
        {"full_name": "Zły", "email": "nie-adres"},
        content_type="application/json",
    )
    assert bad.status_code == 400 and bad.json()["field"] == "email"
    changed = admin.patch(
        f"/api/v1/contacts/{made.json()['id']}",
        {"organisation_admin": True},
        content_type="application/json",
    )
    assert changed.status_code == 200 and changed.json()["organisation_admin"] is True
    seen = admin.put(
        f"/api/v1/organisations/{p.org_a.pk}/ticket-visibility",
        {"contacts_see_all_tickets": True},
        content_type="application/json",
    )
    assert seen.json()["contacts_see_all_tickets"] is True
    again = _client(p, "account_manager").post(f"/api/v1/contacts/{made.json()['id']}/invitation")
    assert again.status_code == 202 and len(mail.outbox) == 2


def test_migrated_organisations_keep_what_their_contacts_saw() -> None:
    import importlib

    from django.apps import apps

    from opiekun.customers.models import Organisation

    migration = importlib.import_module("opiekun.customers.migrations.0003_contact_roles")
    org = actions.create_organisation("Stara", "stara")
    assert not org.contacts_see_all_tickets
    migration.keep_what_contacts_saw(apps, None)
    org.refresh_from_db()
    assert org.contacts_see_all_tickets
    assert Organisation.objects.filter(contacts_see_all_tickets=False).count() == 0


@pytest.mark.needs_postgres
@pytest.mark.django_db(transaction=True)
def test_two_administrators_demoting_each_other_at_once_leave_one(
    contracted_personas: Personas,
) -> None:
    """Each checks "another administrator remains" and then drops a role: without the
    organisation's lock both read the other as administrator and none is left."""
    p = contracted_personas
    second = _colleague(p)
    second = actions.change_contact(second, is_organisation_admin=True)
    pairs = [p.customer_a, second]

    def demote(n: int) -> None:
        actions.change_contact(pairs[n], is_organisation_admin=False)

    errors = run_in_threads(demote, 2)
    assert [type(e) for e in errors] == [actions.ContactError]
    assert p.org_a.contacts.filter(is_organisation_admin=True, is_active=True).count() == 1
