"""OAuth2 (XOAUTH2) sign-in, which Microsoft 365 and Gmail require (issue 18): a token
from a provider's token endpoint (a local one, started here), then IMAP against a
Dovecot that takes only XOAUTH2, and SMTP against an aiosmtpd that requires it."""

from __future__ import annotations

import base64
import json
import threading
import urllib.parse
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult
from django.core.mail import EmailMessage
from django.db import connection
from imap_tools import MailBoxUnencrypted

from opiekun.mail import oauth2, poll, tokens
from opiekun.mail.models import InboundMail, Mailbox
from opiekun.testing.mailservers import Dovecot, SmtpSink, free_port

pytestmark = pytest.mark.django_db
ACCESS = "ya29.a0-test-access-token"
MAIL = (
    b"From: Adam <adam@a.example>\r\nTo: pomoc@kjm.example\r\nSubject: Przez OAuth2\r\n"
    b"Message-ID: <o1@a.example>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nTest\r\n"
)


class Provider(BaseHTTPRequestHandler):
    """A token endpoint: the refresh-token grant and the client-credentials grant, for
    one client; every form it was sent is kept in ``calls``."""

    calls: list[dict[str, str]] = []
    rotate = False

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", 0))
        form = dict(urllib.parse.parse_qsl(self.rfile.read(length).decode()))
        type(self).calls.append(form)
        good_client = form.get("client_id") == "app" and form.get("client_secret") == "s3cret"
        grant = form.get("grant_type")
        ok = good_client and (
            (grant == "refresh_token" and form.get("refresh_token") in ("rt-1", "rt-2"))
            or grant == "client_credentials"
        )
        body: dict[str, object] = (
            {"access_token": ACCESS, "token_type": "Bearer", "expires_in": 3600}
            if ok
            else {"error": "invalid_grant", "error_description": "consent revoked"}
        )
        if ok and type(self).rotate:
            body["refresh_token"] = "rt-2"
        data = json.dumps(body).encode()
        self.send_response(200 if ok else 400)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def provider(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    # oauthlib wants HTTPS; the local test endpoint is plain HTTP.
    monkeypatch.setenv("OAUTHLIB_INSECURE_TRANSPORT", "1")
    Provider.calls, Provider.rotate = [], False
    server = ThreadingHTTPServer(("127.0.0.1", 0), Provider)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/token"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def oauth_dovecot() -> Iterator[Dovecot]:
    server = Dovecot(password=ACCESS, mechanisms="xoauth2").start()
    yield server
    server.stop()


def oauth_box(server: Dovecot, token_url: str, **extra: object) -> Mailbox:
    fields: dict[str, object] = {
        "name": "m365",
        "address": "pomoc@kjm.example",
        "host": "127.0.0.1",
        "port": server.port,
        "security": Mailbox.Security.PLAIN,
        "username": "pomoc",
        "sign_in": Mailbox.SignIn.OAUTH2,
        "oauth2_token_url": token_url,
        "oauth2_client_id": "app",
        "oauth2_client_secret": "s3cret",
        "oauth2_refresh_token": "rt-1",
        "oauth2_scope": "https://outlook.office365.com/.default offline_access",
    }
    return Mailbox.objects.create(**{**fields, **extra})


@pytest.mark.needs_dovecot
def test_imap_signs_in_with_xoauth2_and_reads_the_mailbox(
    oauth_dovecot: Dovecot, provider: str, contracted_personas: object
) -> None:
    with MailBoxUnencrypted("127.0.0.1", oauth_dovecot.port).xoauth2("pomoc", ACCESS) as box:
        box.client.append("INBOX", None, None, MAIL)
    mailbox = oauth_box(oauth_dovecot, provider)
    result = poll.poll(mailbox)
    assert result.error == "" and result.new == 1
    assert InboundMail.objects.get().state == InboundMail.State.INGESTED
    [call] = Provider.calls
    assert call["grant_type"] == "refresh_token" and call["refresh_token"] == "rt-1"
    # The token is cached, encrypted at rest, and not fetched again for the next poll.
    poll.poll(mailbox)
    assert len(Provider.calls) == 1
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT oauth2_access_token, oauth2_refresh_token FROM mail_mailbox WHERE id = %s",
            [mailbox.pk],
        )
        stored = cursor.fetchone()
    assert ACCESS not in stored[0] and "rt-1" not in stored[1]
    # This Dovecot takes no password sign-in: the token worked only as XOAUTH2.
    mailbox.sign_in, mailbox.password = Mailbox.SignIn.PASSWORD, ACCESS
    assert poll.check(mailbox) != ""


@pytest.mark.needs_dovecot
def test_client_credentials_and_a_rotated_refresh_token(
    oauth_dovecot: Dovecot, provider: str
) -> None:
    app_only = oauth_box(oauth_dovecot, provider, oauth2_refresh_token="")
    assert poll.check(app_only) == ""
    assert Provider.calls[0]["grant_type"] == "client_credentials"
    assert Provider.calls[0]["scope"] == "https://outlook.office365.com/.default offline_access"

    Provider.rotate = True
    delegated = oauth_box(oauth_dovecot, provider, name="gmail", address="g@kjm.example")
    tokens.mailbox_token(delegated)
    delegated.refresh_from_db()
    assert delegated.oauth2_refresh_token == "rt-2"  # the provider's new one is kept


@pytest.mark.needs_dovecot
def test_a_refused_token_is_written_on_the_mailbox_and_waits_its_interval(
    oauth_dovecot: Dovecot, provider: str
) -> None:
    mailbox = oauth_box(oauth_dovecot, provider, oauth2_client_secret="wrong")
    result = poll.poll(mailbox)
    assert "invalid_grant" in result.error or "consent revoked" in result.error
    mailbox.refresh_from_db()
    assert mailbox.last_error.startswith("IMAP: TokenError: OAuth2 token")
    assert mailbox.last_error_at is not None and poll.due() == []
    assert "OAuth2 token" in poll.check(mailbox)


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
def test_smtp_signs_in_with_xoauth2(provider: str, settings: pytest.FixtureRequest) -> None:
    seen: list[str] = []

    class Handler:
        messages: list[bytes] = []

        async def auth_XOAUTH2(self, server: object, args: list[str]) -> AuthResult:
            seen.append(base64.b64decode(args[1]).decode())
            return AuthResult(success=seen[-1].endswith(f"auth=Bearer {ACCESS}\x01\x01"))

        async def handle_DATA(self, server: object, session: object, envelope: object) -> str:
            self.messages.append(envelope.original_content)  # type: ignore[attr-defined]
            return "250 OK"

    handler = Handler()
    port = free_port()
    controller = Controller(
        handler, hostname="127.0.0.1", port=port, auth_required=True, auth_require_tls=False
    )
    controller.start()
    try:
        settings.EMAIL_BACKEND = "opiekun.mail.smtp.OAuth2EmailBackend"  # type: ignore[attr-defined]
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port  # type: ignore[attr-defined]
        settings.EMAIL_HOST_USER = "pomoc@kjm.example"  # type: ignore[attr-defined]
        settings.EMAIL_OAUTH2_TOKEN_URL = provider  # type: ignore[attr-defined]
        settings.EMAIL_OAUTH2_CLIENT_ID = "app"  # type: ignore[attr-defined]
        settings.EMAIL_OAUTH2_CLIENT_SECRET = "s3cret"  # type: ignore[attr-defined]
        settings.EMAIL_OAUTH2_REFRESH_TOKEN = ""  # type: ignore[attr-defined]
        for n in range(2):
            EmailMessage("Test", "Treść", "pomoc@kjm.example", [f"x{n}@a.example"]).send()
        assert len(handler.messages) == 2
        assert seen == [oauth2.sasl_string("pomoc@kjm.example", ACCESS)] * 2
        assert len(Provider.calls) == 1  # the second connection took the cached token

        settings.EMAIL_OAUTH2_CLIENT_SECRET = "wrong"  # type: ignore[attr-defined]
        from django.core.cache import cache

        cache.clear()
        import smtplib

        with pytest.raises(smtplib.SMTPAuthenticationError):
            EmailMessage("Test", "x", "pomoc@kjm.example", ["y@a.example"]).send()
    finally:
        controller.stop()


def test_the_smtp_sink_still_works_without_oauth2(smtp_sink: SmtpSink) -> None:
    EmailMessage("Test", "x", "pomoc@kjm.example", ["z@a.example"]).send()
    assert len(smtp_sink.messages) == 1


def test_the_admin_takes_oauth2_settings_and_never_echoes_the_secrets(db: None) -> None:
    from django.contrib.auth import get_user_model
    from django.test import Client

    client = Client()
    client.force_login(get_user_model().objects.create_superuser("root", "r@x.example", "pw"))
    form = {
        "name": "m365",
        "address": "pomoc@kjm.example",
        "kind": "support",
        "host": "outlook.office365.com",
        "port": "993",
        "security": "ssl",
        "username": "pomoc@kjm.example",
        "sign_in": "oauth2",
        "oauth2_client_secret": "the-client-secret",
        "oauth2_refresh_token": "the-refresh-token",
        "folder": "INBOX",
        "poll_minutes": "5",
        "is_active": "on",
    }
    refused = client.post("/admin/mail/mailbox/add/", form)
    assert refused.status_code == 200 and not Mailbox.objects.exists()  # no token URL
    done = client.post(
        "/admin/mail/mailbox/add/",
        {
            **form,
            "oauth2_token_url": "https://login.microsoftonline.com/t/oauth2/v2.0/token",
            "oauth2_client_id": "app",
        },
    )
    assert done.status_code == 302
    mailbox = Mailbox.objects.get()
    assert mailbox.oauth2_client_secret == "the-client-secret" and mailbox.password == ""
    page = client.get(f"/admin/mail/mailbox/{mailbox.pk}/change/").content.decode()
    assert "the-client-secret" not in page and "the-refresh-token" not in page
