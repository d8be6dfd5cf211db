"""/healthz: an anonymous caller learns only up or down; staff, or a caller with the
HEALTHZ_TOKEN, see the details (database, worker, overdue mailboxes)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client

from opiekun.mail.models import Mailbox
from opiekun.testing.personas import Personas

pytestmark = pytest.mark.django_db


@pytest.fixture
def overdue_mailbox(monkeypatch: pytest.MonkeyPatch) -> Mailbox:
    mailbox = Mailbox.objects.create(
        name="secret-box", address="pomoc@kjm.example", host="h", username="u", password="p"
    )
    monkeypatch.setattr("opiekun.mail.poll.overdue", lambda: [mailbox])
    return mailbox


def test_it_tells_a_stranger_only_up(overdue_mailbox: Mailbox) -> None:
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_it_tells_a_stranger_only_down(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError('relation "secret_table" does not exist at host db.internal')

    monkeypatch.setattr(connection, "cursor", broken)
    response = Client().get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "error"}
    assert b"secret" not in response.content and b"db.internal" not in response.content


def test_it_tells_staff_the_details(personas: Personas, overdue_mailbox: Mailbox) -> None:
    client = Client()
    client.force_login(personas.agent.user)
    details = client.get("/healthz").json()
    assert details["database"] == "ok" and details["mailboxes_overdue"] == ["secret-box"]
    assert "worker_seen_at" in details


def test_it_tells_a_monitor_with_the_token_the_details(
    settings: object, overdue_mailbox: Mailbox, personas: Personas
) -> None:
    settings.HEALTHZ_TOKEN = "monitor-token-long-enough"  # type: ignore[attr-defined]
    good = Client().get("/healthz", HTTP_AUTHORIZATION="Bearer monitor-token-long-enough")
    assert good.json()["mailboxes_overdue"] == ["secret-box"]
    wrong = Client().get("/healthz", HTTP_AUTHORIZATION="Bearer guessed")
    assert wrong.json() == {"status": "ok"}
    outsider = Client()
    outsider.force_login(personas.outsider)
    assert outsider.get("/healthz").json() == {"status": "ok"}
