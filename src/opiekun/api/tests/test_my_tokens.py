"""Gap 1: staff and contacts create, list and revoke their own API tokens in the console,
the portal and the API, not only in the admin. The token is shown once."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from opiekun.core import tokens
from opiekun.core.models import ApiToken, AuditEvent
from opiekun.testing.personas import Personas

pytestmark = pytest.mark.django_db


def _client(p: Personas, who: str) -> Client:
    client = Client()
    client.force_login(p.user(who))
    return client


@pytest.mark.parametrize(("who", "base"), [("agent", "/console"), ("customer_a", "/portal")])
def test_gap_1_a_person_creates_sees_once_and_revokes_their_token_on_their_page(
    personas: Personas, who: str, base: str
) -> None:
    client = _client(personas, who)
    made = client.post(f"{base}/tokens/", {"name": "Integracja CRM"})
    assert made.status_code == 200 and made["Cache-Control"] == "no-store"
    token = ApiToken.objects.get(user=personas.user(who))
    plain = made.context["plain"]
    assert plain.startswith("opk_") and plain in made.content.decode()
    assert tokens.user_for(plain) == personas.user(who)
    # The list shows the name and the dates, never the token again.
    listed = client.get(f"{base}/tokens/").content.decode()
    assert "Integracja CRM" in listed and plain not in listed and token.prefix in listed
    revoked = client.post(f"{base}/tokens/{token.pk}/revoke")
    assert revoked.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None and tokens.user_for(plain) is None
    assert AuditEvent.objects.filter(kind="api_token.revoked").count() == 1


def test_gap_1_a_past_day_or_an_empty_name_is_refused_on_the_page(personas: Personas) -> None:
    client = _client(personas, "agent")
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    page = client.post("/console/tokens/", {"name": "x", "valid_through": yesterday})
    assert page.status_code == 200 and page.context["form"].errors["valid_through"]
    assert client.post("/console/tokens/", {"name": ""}).context["form"].errors["name"]
    assert not ApiToken.objects.exists()


def test_gap_1_another_users_token_is_404_on_the_pages(personas: Personas) -> None:
    a_token, _ = tokens.create_token(personas.customer_a.user, "A")  # type: ignore[arg-type]
    for who, url in [
        ("customer_b", f"/portal/tokens/{a_token.pk}/revoke"),
        ("agent", f"/console/tokens/{a_token.pk}/revoke"),
        ("outsider", f"/portal/tokens/{a_token.pk}/revoke"),
    ]:
        assert _client(personas, who).post(url).status_code == 404, who
    assert _client(personas, "outsider").get("/portal/tokens/").status_code == 404
    assert _client(personas, "outsider").get("/console/tokens/").status_code == 404
    a_token.refresh_from_db()
    assert a_token.revoked_at is None


@pytest.mark.parametrize("who", ["agent", "customer_a"])
def test_gap_1_the_api_creates_lists_and_revokes_my_tokens(personas: Personas, who: str) -> None:
    client = _client(personas, who)
    last_day = timezone.localdate() + dt.timedelta(days=30)
    made = client.post(
        "/api/v1/my/api-tokens",
        {"name": "Skrypt", "valid_through": last_day.isoformat()},
        content_type="application/json",
    )
    assert made.status_code == 201, made.content
    body = made.json()
    assert body["token"].startswith("opk_") and body["name"] == "Skrypt"
    stored = ApiToken.objects.get(pk=body["id"])
    assert timezone.localtime(stored.expires_at).date() == last_day + dt.timedelta(days=1)
    # The new token calls the API as its person.
    bearer = Client(headers={"Authorization": f"Bearer {body['token']}"})
    listed = bearer.get("/api/v1/my/api-tokens")
    assert listed.status_code == 200
    assert [t["name"] for t in listed.json()] == ["Skrypt"]
    assert "token" not in listed.json()[0] and body["token"] not in listed.content.decode()
    revoked = client.post(f"/api/v1/my/api-tokens/{body['id']}/revoke")
    assert revoked.status_code == 200 and revoked.json()["revoked_at"] is not None
    assert bearer.get("/api/v1/my/api-tokens").status_code == 401


def test_gap_1_the_api_refuses_bad_input_naming_the_field(personas: Personas) -> None:
    client = _client(personas, "agent")
    long_name = client.post(
        "/api/v1/my/api-tokens", {"name": "x" * 101}, content_type="application/json"
    )
    assert long_name.status_code == 422 and long_name.json()["field"] == "name"
    past = client.post(
        "/api/v1/my/api-tokens",
        {"name": "x", "valid_through": "2020-01-01"},
        content_type="application/json",
    )
    assert past.status_code == 400 and past.json()["field"] == "valid_through"
    huge = client.post("/api/v1/my/api-tokens/99999999999999999999999/revoke")
    assert huge.status_code in (404, 422)
    assert not ApiToken.objects.exists()


def test_gap_1_the_api_gives_404_for_another_users_token_and_to_an_outsider(
    personas: Personas,
) -> None:
    a_token, _ = tokens.create_token(personas.customer_a.user, "A")  # type: ignore[arg-type]
    for who in ("customer_b", "agent", "outsider"):
        gone = _client(personas, who).post(f"/api/v1/my/api-tokens/{a_token.pk}/revoke")
        assert gone.status_code == 404 and gone.json()["code"] == "not_found", who
    outsider = _client(personas, "outsider")
    assert outsider.get("/api/v1/my/api-tokens").status_code == 404
    made = outsider.post("/api/v1/my/api-tokens", {"name": "x"}, content_type="application/json")
    assert made.status_code == 404
    assert ApiToken.objects.count() == 1
    a_token.refresh_from_db()
    assert a_token.revoked_at is None
