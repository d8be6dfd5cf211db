from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest

from opiekun.celery import app


@pytest.fixture
def broker_down(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The broker URL points at a port nobody listens on. Celery reads the
    CELERY_BROKER_URL variable before its own setting (CI's Redis pass sets it)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])  # closed again when the block ends
    url = f"redis://127.0.0.1:{port}/0"
    # The setting first: monkeypatch reads the value to restore through the property,
    # which would already return the variable's new value.
    monkeypatch.setattr(app.conf, "broker_url", url)
    monkeypatch.setenv("CELERY_BROKER_URL", url)
    assert app.conf.broker_read_url == url
    yield url
