"""The language switch: kept on the contact's or staff member's record, so the next
sign-in, on another device, is in the chosen language; strangers get a cookie only."""

from __future__ import annotations

import pytest
from django.test import Client

from opiekun.core.audit import events_for
from opiekun.testing.personas import Personas

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("who", ["customer_a", "agent"])
def test_the_chosen_language_follows_the_person(personas: Personas, who: str) -> None:
    home = "/portal/" if who == "customer_a" else "/console/"
    client = Client()
    client.force_login(personas.user(who))
    assert "Wyloguj" in client.get(home).content.decode()  # Polish by default
    response = client.post("/language", {"language": "en", "next": home})
    assert response.status_code == 302
    other_device = Client()
    other_device.force_login(personas.user(who))
    page = other_device.get(home).content.decode()
    assert "Sign out" in page and '<html lang="en">' in page
    person = personas.customer_a if who == "customer_a" else personas.agent
    person.refresh_from_db()
    assert person.language == "en"
    assert events_for(person).first().kind == "person.language_changed"  # type: ignore[union-attr]


def test_a_stranger_gets_a_cookie_and_a_bad_language_is_refused(db: None) -> None:
    client = Client()
    assert client.post("/language", {"language": "en", "next": "/login/"}).status_code == 302
    assert "Sign in" in client.get("/login/").content.decode()
    refused = client.post("/language", {"language": "xx"})
    assert refused.status_code == 400 and b"language" in refused.content


def test_a_refused_language_is_not_reflected_as_html(db: None) -> None:
    """Issue 13: `language=<script>...` came back unescaped in the 400 page."""
    refused = Client().post("/language", {"language": '<script>alert("x")</script>'})
    assert refused.status_code == 400
    assert b"<script>" not in refused.content
    assert refused["Content-Type"].startswith("text/plain")


@pytest.mark.parametrize("language", ["pl", "en"])
def test_each_language_is_offered_by_its_own_name(db: None, language: str) -> None:
    # A reader who does not know the page's language finds their own by its own name
    # ("English", not the Polish "angielski").
    client = Client()
    client.post("/language", {"language": language, "next": "/login/"})
    page = client.get("/login/").content.decode()
    assert '<option value="pl" lang="pl"' in page and ">Polski</option>" in page
    assert '<option value="en" lang="en"' in page and ">English</option>" in page
