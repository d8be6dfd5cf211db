"""Issue 13, sign-in: wrong passwords lock a user name and an address (django-axes)
with a clear message in both languages; a manager unlocks from the console (audited);
password reset by e-mail for contacts and staff, from the login page to a new password."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client

from opiekun.core.audit import events_for
from opiekun.staff import actions as staff_actions
from opiekun.testing.personas import PASSWORD, Personas
from opiekun.testing.signin import verified_login

pytestmark = pytest.mark.django_db


def sign_in(client: Client, username: str, password: str) -> int:
    return client.post("/login/", {"username": username, "password": password}).status_code


@pytest.mark.parametrize("who", ["customer_a", "agent"])
def test_wrong_passwords_lock_the_user_name_even_for_the_right_one(
    personas: Personas, who: str, settings: pytest.FixtureRequest
) -> None:
    """Before: 150 wrong passwords were all answered and the right one then worked."""
    username = personas.user(who).username
    client = Client(REMOTE_ADDR="198.51.100.1")
    answers = [sign_in(client, username, f"wrong-{n}") for n in range(8)]
    assert answers[:4] == [200] * 4  # the form again, saying the password is wrong
    assert set(answers[5:]) == {429}
    # From another address too: the user name is locked, not only this address.
    elsewhere = Client(REMOTE_ADDR="203.0.113.5")
    locked = elsewhere.post("/login/", {"username": username, "password": PASSWORD})
    assert locked.status_code == 429 and int(locked["Retry-After"]) == 15 * 60
    page = locked.content.decode()
    assert "Logowanie jest zablokowane" in page and "15 minut" in page
    assert "_auth_user_id" not in elsewhere.session
    english = Client(REMOTE_ADDR="203.0.113.5", HTTP_ACCEPT_LANGUAGE="en")
    english.cookies["django_language"] = "en"
    english_page = english.post("/login/", {"username": username, "password": PASSWORD})
    assert "Signing in is locked" in english_page.content.decode()


def test_one_address_trying_many_user_names_is_locked(personas: Personas) -> None:
    client = Client(REMOTE_ADDR="198.51.100.2")
    for n in range(5):
        sign_in(client, f"guess-{n}", "wrong")
    assert sign_in(client, personas.agent.user.username, PASSWORD) == 429
    assert (
        sign_in(Client(REMOTE_ADDR="198.51.100.3"), personas.agent.user.username, PASSWORD) == 302
    )


def test_a_manager_unlocks_from_the_console_and_it_is_audited(personas: Personas) -> None:
    username = personas.customer_a.user.username  # type: ignore[union-attr]
    for n in range(5):
        sign_in(Client(REMOTE_ADDR=f"198.51.100.{n + 10}"), username, "wrong")
    assert sign_in(Client(), username, PASSWORD) == 429
    manager = staff_actions.create_staff_member(
        "p-kierownik",
        full_name="Kamil Kierownik",
        email="k@v.example",
        password=PASSWORD,
        roles=("manager",),
    )
    console = Client()
    verified_login(console, manager.user)
    listed = console.get("/console/lockouts/").content.decode()
    assert username in listed
    # An agent may not see or use it.
    agent = Client()
    agent.force_login(personas.agent.user)
    assert agent.get("/console/lockouts/").status_code == 404
    assert (
        agent.post("/console/lockouts/unlock", {"kind": "username", "value": username}).status_code
        == 404
    )
    assert sign_in(Client(), username, PASSWORD) == 429
    console.post("/console/lockouts/unlock", {"kind": "username", "value": username})
    assert sign_in(Client(), username, PASSWORD) == 302
    event = events_for(personas.customer_a.user).get(kind="sign_in.unlocked")  # type: ignore[arg-type]
    assert event.actor == manager.user and event.data["value"] == username


def test_axes_command_unlocks_too(personas: Personas) -> None:
    username = personas.agent.user.username
    for _ in range(5):
        sign_in(Client(), username, "wrong")
    call_command("axes_reset_username", username)
    assert sign_in(Client(REMOTE_ADDR="198.51.100.99"), username, PASSWORD) == 302


@pytest.mark.parametrize(
    ("who", "language", "words"),
    [
        ("customer_a", "pl", "Ustaw nowe hasło"),
        ("agent", "en", "Set a new password"),
    ],
)
def test_a_password_is_reset_by_e_mail_from_the_login_page(
    personas: Personas, who: str, language: str, words: str
) -> None:
    user = personas.user(who)
    client = Client()
    client.cookies["django_language"] = language
    login = client.get("/login/").content.decode()
    assert 'href="/login/reset/"' in login
    sent = client.post("/login/reset/", {"email": user.email}, follow=True)
    assert sent.status_code == 200 and len(mail.outbox) == 1
    message = mail.outbox[0]
    assert isinstance(message.body, str)
    assert message.to == [user.email] and user.username in message.body
    link = re.search(r"https?://[^/\s]+(/login/reset/\S+/)", message.body)
    assert link, message.body
    form = client.get(link.group(1), follow=True)
    assert words in form.content.decode()
    done = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "Zupełnie-nowe-hasło-42", "new_password2": "Zupełnie-nowe-hasło-42"},
        follow=True,
    )
    assert done.status_code == 200
    user.refresh_from_db()
    assert user.check_password("Zupełnie-nowe-hasło-42")
    assert sign_in(Client(), user.username, "Zupełnie-nowe-hasło-42") == 302
    assert events_for(user).filter(kind="sign_in.password_reset").exists()
    # The link works once.
    assert "nie działa" in Client().get(link.group(1), follow=True).content.decode()


def test_an_unknown_address_is_told_the_same_and_gets_no_mail(db: None) -> None:
    page = Client().post("/login/reset/", {"email": "nobody@nowhere.example"}, follow=True)
    assert page.status_code == 200 and "Sprawdź pocztę" in page.content.decode()
    assert mail.outbox == []


def test_asking_for_reset_links_is_limited_per_address(personas: Personas) -> None:
    client = Client(REMOTE_ADDR="198.51.100.50")
    answers = [
        client.post("/login/reset/", {"email": "adam@a.example"}).status_code for _ in range(7)
    ]
    assert answers[:5] == [302] * 5 and answers[5:] == [429, 429]
    assert len(mail.outbox) == 5
