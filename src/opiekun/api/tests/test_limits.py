"""API rate limits (issue 13): past the limit a caller gets 429 JSON with Retry-After,
counted per user (per address for anonymous callers); tokens may carry an expiry."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from opiekun.core import tokens
from opiekun.core.models import ApiToken
from opiekun.testing.personas import Personas

pytestmark = pytest.mark.django_db


def test_a_caller_over_the_limit_gets_429_with_retry_after(
    personas: Personas, settings: pytest.FixtureRequest
) -> None:
    settings.API_RATE_USER = "3/min"  # type: ignore[attr-defined]
    _, plain = tokens.create_token(personas.agent.user, "crm")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {plain}")
    assert [client.get("/api/v1/queue").status_code for _ in range(3)] == [200, 200, 200]
    refused = client.get("/api/v1/queue")
    assert refused.status_code == 429
    assert refused.json()["code"] == "throttled"
    assert 1 <= int(refused["Retry-After"]) <= 60
    # Another user has a count of their own.
    other = Client()
    other.force_login(personas.account_manager.user)
    assert other.get("/api/v1/queue").status_code == 200


def test_anonymous_callers_are_limited_by_address(settings: pytest.FixtureRequest) -> None:
    settings.API_RATE_ANON = "2/min"  # type: ignore[attr-defined]
    here = Client(REMOTE_ADDR="198.51.100.7")
    assert [here.get("/api/v1/plans").status_code for _ in range(3)] == [200, 200, 429]
    # A forged X-Forwarded-For does not buy a fresh count (no proxy is trusted).
    forged = Client(REMOTE_ADDR="198.51.100.7", HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert forged.get("/api/v1/plans").status_code == 429
    assert Client(REMOTE_ADDR="198.51.100.8").get("/api/v1/plans").status_code == 200


def test_a_token_past_its_expiry_is_refused(personas: Personas) -> None:
    soon = timezone.now() + dt.timedelta(days=30)
    token, plain = tokens.create_token(personas.agent.user, "crm", expires_at=soon)
    client = Client(HTTP_AUTHORIZATION=f"Bearer {plain}")
    assert client.get("/api/v1/queue").status_code == 200
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - dt.timedelta(1))
    refused = client.get("/api/v1/queue")
    assert refused.status_code == 401 and refused.json()["code"] == "unauthenticated"


def test_the_expiry_is_set_where_a_token_is_created(personas: Personas) -> None:
    root = get_user_model().objects.create_superuser("root", "r@x.example", "pw")
    client = Client()
    client.force_login(root)
    response = client.post(
        reverse("admin:core_apitoken_add"),
        {"user": personas.agent.user.pk, "name": "crm", "expires_at": "2099-01-31"},
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    token = ApiToken.objects.get()
    # Valid through the day given, in the desk's time zone.
    assert token.expires_at is not None
    assert timezone.localtime(token.expires_at) == dt.datetime(
        2099, 2, 1, tzinfo=timezone.get_current_timezone()
    )


def test_a_multipart_body_it_cannot_read_is_a_400_not_a_fault(personas: Personas) -> None:
    """A part's headers over Django's limit (found by the fuzzer on POST /faxes): the
    API answers 400 in JSON, as Django answers such a body elsewhere."""
    client = Client()
    client.force_login(personas.user("agent"))
    boundary = "b0undary"
    body = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="x"\r\n'
        f"X-Junk: {'a' * 9000}\r\n\r\nvalue\r\n--{boundary}--\r\n"
    )
    response = client.post(
        "/api/v1/faxes", body, content_type=f"multipart/form-data; boundary={boundary}"
    )
    assert response.status_code == 400
    assert response.json()["code"] == "rejected"
