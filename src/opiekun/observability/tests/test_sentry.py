"""Optional Sentry (issue 19, item 6): with SENTRY_DSN, a server error is reported with
the Django and Celery integrations and no personal data; without it, nothing loads.
The Sentry server is a real HTTP server started here that keeps what it receives."""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import brotli
import pytest

SECRET_COOKIE = "session-cookie-that-must-not-leave"

# A request whose session cannot be read (the database has no tables): a 500 that the
# Django integration reports. Then the client's own settings, to check them too.
PROGRAM = f"""
import django, json
django.setup()
import sentry_sdk
from django.test import Client
client = Client(raise_request_exception=False)
client.cookies["sessionid"] = "{SECRET_COOKIE}"
status = client.get("/console/", HTTP_X_FORWARDED_FOR="203.0.113.9").status_code
sentry_sdk.flush(10)
options = sentry_sdk.get_client().options
print(json.dumps({{
    "status": status,
    "pii": options["send_default_pii"],
    "integrations": sorted(sentry_sdk.get_client().integrations),
}}))
"""

QUIET = """
import django, sys
django.setup()
print("sentry_sdk" in sys.modules)
"""


class _Inbox(BaseHTTPRequestHandler):
    received: list[bytes] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        encoding = self.headers.get("Content-Encoding", "")
        if encoding == "gzip":
            body = gzip.decompress(body)
        elif encoding == "br":
            body = brotli.decompress(body)
        self.received.append(body)
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def sentry_server() -> Iterator[tuple[int, list[bytes]]]:
    _Inbox.received = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Inbox)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1], _Inbox.received
    server.shutdown()
    server.server_close()


def _run(program: str, tmp_path: Path, **extra: str) -> subprocess.CompletedProcess[str]:
    env = {
        "PATH": os.environ["PATH"],
        "HOME": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "opiekun.settings",
        "DEBUG": "false",
        "SECRET_KEY": "s" * 40,
        "OPIEKUN_SECRET_BOX_KEY": "ess0cLwCy8781h9JVAEkDD_BeQnVcd64cVTkVnabClU=",
        "ALLOWED_HOSTS": "testserver",
        "SECURE_SSL_REDIRECT": "false",
        "OPIEKUN_VAR_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path}/empty.sqlite3",
        "OPIEKUN_ALLOW_EMBEDDED": "true",  # production refuses SQLite otherwise (ADR 24)
        **extra,
    }
    return subprocess.run(  # noqa: S603
        [sys.executable, "-c", program],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )


def test_a_server_error_is_reported_without_personal_data(
    sentry_server: tuple[int, list[bytes]], tmp_path: Path
) -> None:
    port, received = sentry_server
    result = _run(PROGRAM, tmp_path, SENTRY_DSN=f"http://publickey@127.0.0.1:{port}/1")
    assert result.returncode == 0, result.stderr
    outcome = json.loads(result.stdout.strip().splitlines()[-1])
    assert outcome["status"] == 500
    assert outcome["pii"] is False
    assert {"django", "celery"} <= set(outcome["integrations"])
    reports = b"".join(received)
    assert b"no such table" in reports  # the error itself, with its stack
    assert b"/console/" in reports
    # Neither in the request's data nor in a stack frame's local variables.
    assert SECRET_COOKIE.encode() not in reports
    assert b"203.0.113.9" not in reports


def test_nothing_is_loaded_without_a_dsn(tmp_path: Path) -> None:
    result = _run(QUIET, tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"
