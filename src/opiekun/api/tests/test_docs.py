"""The interactive API docs work offline: every script and style sheet they load comes
from this server (issue 13: Swagger from a CDN left /api/v1/docs blank offline)."""

from __future__ import annotations

import re

import pytest
from django.contrib.staticfiles import finders
from django.test import Client

pytestmark = pytest.mark.django_db

SOURCES = re.compile(r"""(?:src|href)\s*=\s*["']([^"']+)["']""")


def test_the_docs_load_only_same_origin_assets(client: Client) -> None:
    page = client.get("/api/v1/docs")
    assert page.status_code == 200
    html = page.content.decode()
    urls = SOURCES.findall(html)
    assert any(u.endswith("swagger-ui-bundle.js") for u in urls), urls
    for url in urls:
        assert url.startswith("/") and not url.startswith("//"), url
        if url.startswith("/static/"):
            # Each asset is really shipped, so the page is not blank without a network.
            assert finders.find(url.removeprefix("/static/")), url
    assert "cdn" not in html.lower()
