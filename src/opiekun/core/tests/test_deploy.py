"""Production settings (issue 13): `opiekun check --deploy` reports no issues with a
production-like environment, the HTTPS settings come from the environment, and every
page carries the Content-Security-Policy that the templates keep to (nothing inline)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

OPIEKUN = str(Path(sys.executable).with_name("opiekun"))
SRC = Path(__file__).resolve().parents[2]


def production(tmp_path: Path, **extra: str) -> dict[str, str]:
    # Only what an operator sets: none of the test run's own variables leak in.
    env = {
        "PATH": os.environ["PATH"],
        "HOME": str(tmp_path),
        "DEBUG": "false",
        "SECRET_KEY": "x7Rq-" + "kP2vN9wL4mZ8cT1bY6hJ3sD5fG0aE7uQ" * 2,
        "ALLOWED_HOSTS": "desk.example.com",
        "OPIEKUN_SECRET_BOX_KEY": "ess0cLwCy8781h9JVAEkDD_BeQnVcd64cVTkVnabClU=",
        "OPIEKUN_VAR_DIR": str(tmp_path),
        # The engines production runs on; `check` connects to neither.
        "DATABASE_URL": "postgres://opiekun:secret@db.internal:5432/opiekun",
        "CELERY_BROKER_URL": "redis://queue.internal:6379/0",
        "CACHE_URL": "redis://queue.internal:6379/1",
    }
    env.update(extra)
    return env


def check_deploy(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603
        [OPIEKUN, "check", "--deploy", "--fail-level", "WARNING"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )


def test_check_deploy_is_clean_with_production_settings(tmp_path: Path) -> None:
    result = check_deploy(production(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_check_deploy_would_say_so_without_https(tmp_path: Path) -> None:
    """The check above can fail: without the HTTPS settings it names them."""
    env = production(tmp_path, SECURE_SSL_REDIRECT="false", SECURE_HSTS_SECONDS="0")
    result = check_deploy(env)
    assert result.returncode != 0
    assert "security.W004" in result.stderr and "security.W008" in result.stderr


def test_the_proxy_header_comes_from_the_environment(tmp_path: Path) -> None:
    code = (
        "from django.conf import settings as s; "
        "print(s.SECURE_PROXY_SSL_HEADER, s.SECURE_HSTS_SECONDS, s.SECURE_SSL_REDIRECT)"
    )
    env = production(tmp_path, SECURE_PROXY_SSL_HEADER="X-Forwarded-Proto")
    env["DJANGO_SETTINGS_MODULE"] = "opiekun.settings"
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", "import django; django.setup(); " + code],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=True,
    )
    assert result.stdout.split() == ["('HTTP_X_FORWARDED_PROTO',", "'https')", "31536000", "True"]


@pytest.mark.django_db
def test_every_page_carries_the_content_security_policy(client: Client) -> None:
    policy = client.get("/login/")["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
    assert directives["script-src"] == "'self'" and directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'" and directives["object-src"] == "'none'"
    assert "Content-Security-Policy" in client.get("/api/v1/docs")


INLINE = re.compile(r"""\sstyle=|\son[a-z]+=|<script(?![^>]*\bsrc=)[^>]*>|javascript:""", re.I)


def test_no_template_has_inline_script_or_style() -> None:
    """Under the policy an inline handler, style attribute or script would be blocked."""
    found = []
    for template in SRC.glob("*/templates/**/*.html"):
        for n, line in enumerate(template.read_text().splitlines(), 1):
            if INLINE.search(line):
                found.append(f"{template.relative_to(SRC)}:{n}: {line.strip()[:80]}")
    assert found == []
