from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from opiekun.celery import app
from opiekun.mail.models import Mailbox
from opiekun.testing.mailservers import Dovecot

EML = Path(__file__).parent / "eml"


def eml(name: str) -> bytes:
    """A real .eml file of the test corpus."""
    return (EML / name).read_bytes()


def make_mailbox(
    server: Dovecot,
    user: str,
    *,
    name: str = "pomoc",
    address: str = "pomoc@kjm.example",
    **extra: object,
) -> Mailbox:
    return Mailbox.objects.create(
        name=name,
        address=address,
        host="127.0.0.1",
        port=server.port,
        security=Mailbox.Security.PLAIN,
        username=user,
        password=server.password,
        **extra,
    )


@pytest.fixture
def mailbox(dovecot_server: Dovecot, imap_user: str, db: None) -> Mailbox:
    return make_mailbox(dovecot_server, imap_user)


@pytest.fixture
def eager_celery() -> Iterator[None]:
    app.conf.task_always_eager = True
    try:
        yield
    finally:
        app.conf.task_always_eager = False
