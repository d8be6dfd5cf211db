"""pytest plugin of the project: server markers and the shared fixtures.

Tests that need a server are marked (needs_postgres, needs_redis, needs_dovecot). Outside
CI they skip with a reason when the server is absent; with CI=true an absent server fails the run,
and tests needing PostgreSQL are left to the PostgreSQL pass of .ci/run."""

from __future__ import annotations

import itertools
import os
import socket
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from django.conf import settings

if TYPE_CHECKING:
    from collections.abc import Iterator

    from opiekun.testing.mailservers import Dovecot, SmtpSink
    from opiekun.testing.personas import Personas

# Loaded with -p before Django reads its settings: tests need no DEBUG, only a key.
os.environ.setdefault("SECRET_KEY", "opiekun-test-secret-key-that-is-long-enough")
# Production's default redirects to HTTPS; the test client and live server speak HTTP.
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("OPIEKUN_SECRET_BOX_KEY", "5APIlKONsBD2ATnXUv5jA0xy7BA5HQLUxDC5lxG4fjU=")
# The first pass of CI runs on SQLite and the filesystem broker without DEBUG.
os.environ.setdefault("OPIEKUN_ALLOW_EMBEDDED", "true")

IN_CI = os.environ.get("CI", "").lower() == "true"
_user_numbers = itertools.count(1)


def _on_postgres() -> bool:
    return settings.DATABASES["default"]["ENGINE"].endswith("postgresql")


def _reachable(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if _on_postgres():
        return
    keep: list[pytest.Item] = []
    dropped: list[pytest.Item] = []
    for item in items:
        (dropped if item.get_closest_marker("needs_postgres") else keep).append(item)
    if IN_CI and dropped:
        # The SQLite pass of CI leaves these to the PostgreSQL pass, where they must run.
        config.hook.pytest_deselected(items=dropped)
        items[:] = keep
        return
    for item in dropped:
        item.add_marker(pytest.mark.skip(reason="needs PostgreSQL: set DATABASE_URL=postgres://"))


def pytest_runtest_setup(item: pytest.Item) -> None:
    _needs_dovecot(item)
    if item.get_closest_marker("needs_redis") and not _reachable("127.0.0.1", 6379):
        if IN_CI:
            pytest.fail("CI=true but Redis is not reachable on 127.0.0.1:6379")
        pytest.skip("needs Redis on 127.0.0.1:6379")


@pytest.fixture(autouse=True, scope="session")
def _state_folders() -> None:
    """What the `opiekun` command makes before it runs (settings make no folder)."""
    from opiekun.state import prepare

    prepare(settings)
    # Tests run without DEBUG and without collectstatic; whitenoise looks into it.
    Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)


@pytest.fixture(autouse=True, scope="session")
def _short_lived_connections() -> None:
    """Each thread's connection closes when its request or test ends. With production's
    CONN_MAX_AGE the live server's request threads (browser tests) each kept one open,
    and by the thread races at the end of a PostgreSQL run the server had no slots left
    ("too many clients")."""
    from django.conf import settings

    for database in settings.DATABASES.values():
        database["CONN_MAX_AGE"] = 0


@pytest.fixture(autouse=True)
def _media_in_tmp(settings: pytest.FixtureRequest, tmp_path: object) -> None:
    """Uploaded files of a test go to its own folder, never to var/media."""
    settings.MEDIA_ROOT = str(tmp_path) + "/media"  # type: ignore[attr-defined]


@pytest.fixture(autouse=True)
def _fresh_cache() -> Iterator[None]:
    """Rate-limit counts live in the cache: each test starts with none; nor does a test
    see the plans' terms another compiled (a rolled-back plan's id and stamp may recur
    under a frozen clock)."""
    from django.core.cache import cache

    from opiekun.core.batch import forget_lasting

    cache.clear()
    forget_lasting()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _fast_passwords(settings: pytest.FixtureRequest) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # type: ignore[attr-defined]
    # Tests run without DEBUG but also without collectstatic: no manifest to look up.
    settings.STORAGES = {  # type: ignore[attr-defined]
        **settings.STORAGES,  # type: ignore[attr-defined]
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def presets(db: None) -> None:
    """The five seed vendors' plans, loaded through the real action."""
    from opiekun.catalog.actions import load_presets
    from opiekun.catalog.presets import PRESETS

    load_presets(list(PRESETS))


@pytest.fixture
def personas(db: None) -> Personas:
    from opiekun.testing.personas import make_personas

    return make_personas()


@pytest.fixture
def contracted_personas(presets: None) -> Personas:
    """Personas whose organisations hold contracts: A on KJM-CARE, B on SHIP-START."""
    from opiekun.testing.personas import make_personas

    return make_personas("KJM-CARE", "SHIP-START")


def _needs_dovecot(item: pytest.Item) -> None:
    from opiekun.testing.mailservers import dovecot_available

    if item.get_closest_marker("needs_dovecot") and not dovecot_available():
        if IN_CI:
            pytest.fail("CI=true but Dovecot is not installed (.ci/run installs dovecot-imapd)")
        pytest.skip("needs Dovecot: apt-get install dovecot-imapd")


@pytest.fixture(scope="session")
def dovecot_server() -> Iterator[Dovecot]:
    """One Dovecot for the session; each test takes users of its own."""
    from opiekun.testing.mailservers import Dovecot, dovecot_available

    if not dovecot_available():
        if IN_CI:
            pytest.fail("CI=true but Dovecot is not installed (.ci/run installs dovecot-imapd)")
        pytest.skip("needs Dovecot: apt-get install dovecot-imapd")
    server = Dovecot().start()
    yield server
    server.stop()


@pytest.fixture
def imap_user(dovecot_server: Dovecot, request: pytest.FixtureRequest) -> str:
    """A fresh IMAP user with an empty INBOX."""
    name = f"u{next(_user_numbers)}"
    return dovecot_server.add_user(name)


@pytest.fixture
def smtp_sink(settings: pytest.FixtureRequest) -> Iterator[SmtpSink]:
    """aiosmtpd on a free port, with Django's SMTP backend pointed at it."""
    from opiekun.testing.mailservers import SmtpSink

    sink = SmtpSink().start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"  # type: ignore[attr-defined]
    settings.EMAIL_HOST = "127.0.0.1"  # type: ignore[attr-defined]
    settings.EMAIL_PORT = sink.port  # type: ignore[attr-defined]
    yield sink
    sink.stop()


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def chromium() -> Iterator[object]:
    """Debian's chromium, headless, driven by Playwright; never a downloaded browser.
    Playwright starts it with a fresh temporary user-data dir; each persona of a test
    gets a context of its own (cookies, storage)."""
    if not os.path.exists(CHROMIUM):
        if IN_CI:
            pytest.fail("CI=true but /usr/bin/chromium is missing (.ci/run installs chromium)")
        pytest.skip("needs Debian's chromium at /usr/bin/chromium")
    # Playwright's sync API runs an event loop in this thread; the tests' own ORM calls
    # are still synchronous, one at a time.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture(autouse=True)
def _close_browser_contexts(request: pytest.FixtureRequest) -> Iterator[None]:
    """A browser test's pages close with it: an open ticket page polls the shared live
    server every 20 s and would log requests into later tests."""
    yield
    if "chromium" in request.fixturenames:
        for context in list(request.getfixturevalue("chromium").contexts):
            context.close()


@pytest.fixture
def screenshots() -> Path:
    """Where browser tests leave screenshots of the main pages for a reviewer."""
    folder = Path(settings.BASE_DIR) / "test-output" / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


# The S3-compatible server (moto) and a bucket as the default storage (issue 19).
from opiekun.testing.s3 import s3_bucket, s3_server  # noqa: E402, F401
