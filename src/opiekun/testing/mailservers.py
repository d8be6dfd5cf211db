"""Real mail servers for tests and the benchmark: Debian's Dovecot as the IMAP server,
started on a free port with a temporary maildir and its own users, and aiosmtpd as the
SMTP sink. No mock IMAP anywhere."""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import Message
from pathlib import Path

from aiosmtpd.controller import Controller
from imap_tools import MailBoxUnencrypted

DOVECOT = shutil.which("dovecot") or "/usr/sbin/dovecot"
DOVEADM = shutil.which("doveadm") or "/usr/bin/doveadm"


def dovecot_available() -> bool:
    return Path(DOVECOT).exists()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_for_port(port: int, seconds: float = 10) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"nothing answers on 127.0.0.1:{port}")


_CONFIG = """\
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = {mechanisms}
mail_location = maildir:{root}/mail/%u
first_valid_uid = 1
default_internal_user = {internal}
default_login_user = {login}
mail_max_userip_connections = 50
passdb {{
  driver = static
  args = password={password}
}}
userdb {{
  driver = static
  args = uid={mail_user} gid={mail_group} home={root}/mail/%u
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service stats {{
  unix_listener stats-reader {{
    mode = 0666
  }}
  unix_listener stats-writer {{
    mode = 0666
  }}
}}
"""


@dataclass
class Dovecot:
    """One Dovecot of our own: ``start()``, ``add_user()``, ``append()``, ``stop()``."""

    root: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="opiekun-dovecot-")))
    port: int = field(default_factory=free_port)
    password: str = "secret"
    # "xoauth2" alone: the static passdb then takes ``password`` as the only valid OAuth2
    # bearer token (Dovecot's oauth2 mechanism verifies the token as the passdb's plain
    # password), and a plain LOGIN is refused, so a test proves XOAUTH2 was used.
    mechanisms: str = "plain login"

    def start(self) -> Dovecot:
        self.root.chmod(0o755)
        for sub in ("run", "state", "mail"):
            (self.root / sub).mkdir(exist_ok=True)
        if os.geteuid() == 0:
            # Dovecot will not run mail processes as root: they run as its own user.
            internal, login, mail_user = "dovecot", "dovenull", "dovecot"
            entry = pwd.getpwnam(mail_user)
            os.chown(self.root / "mail", entry.pw_uid, entry.pw_gid)
            mail_group = str(entry.pw_gid)
        else:
            internal = login = mail_user = pwd.getpwuid(os.geteuid()).pw_name
            mail_group = str(os.getegid())
        self.config = self.root / "dovecot.conf"
        self.config.write_text(
            _CONFIG.format(
                root=self.root,
                port=self.port,
                internal=internal,
                login=login,
                mail_user=mail_user,
                mail_group=mail_group,
                password=self.password,
                mechanisms=self.mechanisms,
            )
        )
        # Dovecot daemonises: its children keep any pipe open, so no capture_output here.
        with (self.root / "start.log").open("wb") as log:
            subprocess.run(  # noqa: S603
                [DOVECOT, "-c", str(self.config)], check=True, stdout=log, stderr=log
            )
        _wait_for_port(self.port)
        return self

    def stop(self) -> None:
        pid_file = self.root / "run" / "master.pid"
        if pid_file.exists():
            with contextlib.suppress(ProcessLookupError, ValueError):
                os.kill(int(pid_file.read_text().strip()), signal.SIGTERM)
            deadline = time.monotonic() + 10
            while pid_file.exists() and time.monotonic() < deadline:
                time.sleep(0.05)
        shutil.rmtree(self.root, ignore_errors=True)

    def add_user(self, name: str) -> str:
        """Any user name logs in with the one password; its maildir is made on login."""
        return name

    def connect(self, user: str) -> MailBoxUnencrypted:
        return MailBoxUnencrypted("127.0.0.1", self.port).login(user, self.password)

    def append(self, user: str, messages: list[bytes], folder: str = "INBOX") -> None:
        with self.connect(user) as box:
            for raw in messages:
                box.client.append(folder, None, None, raw)

    def kick(self, user: str) -> None:
        """Drops the user's IMAP connections from the server side, mid-command if need be."""
        subprocess.run(  # noqa: S603
            [DOVEADM, "-c", str(self.config), "kick", user],
            check=False,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    def count(self, user: str, criteria: str = "ALL") -> int:
        with self.connect(user) as box:
            return len(box.uids(criteria))


class _Sink:
    def __init__(self) -> None:
        self.messages: list[Message] = []
        self.envelopes: list[tuple[str, list[str]]] = []

    async def handle_DATA(self, server: object, session: object, envelope: object) -> str:
        self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))  # type: ignore[attr-defined]
        self.messages.append(message_from_bytes(envelope.original_content))  # type: ignore[attr-defined]
        return "250 OK"


class SmtpSink:
    """aiosmtpd on a free port, keeping what it is sent in ``messages``."""

    def __init__(self) -> None:
        self.handler = _Sink()
        self.port = free_port()
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)

    @property
    def messages(self) -> list[Message]:
        return self.handler.messages

    def start(self) -> SmtpSink:
        self.controller.start()
        return self

    def stop(self) -> None:
        self.controller.stop()
