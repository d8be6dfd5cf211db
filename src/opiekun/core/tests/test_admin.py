"""The admin covers every model and each list opens for a support manager."""

from html.parser import HTMLParser

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from opiekun.demo import load as demo
from opiekun.testing.personas import Personas
from opiekun.testing.signin import verified_login

pytestmark = pytest.mark.django_db

OURS = ["core", "staff", "customers", "catalog", "contracts", "tickets"]


def our_models():
    return [m for label in OURS for m in apps.get_app_config(label).get_models()]


def test_every_model_is_in_the_admin() -> None:
    missing = [m.__name__ for m in our_models() if m not in admin.site._registry]
    assert missing == []


def test_every_list_and_search_opens_for_the_manager(presets: None, client: Client) -> None:
    demo.load_demo()
    verified_login(client, User.objects.get(username="kierownik"))
    for model in our_models():
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        assert client.get(url).status_code == 200, url
        assert client.get(url, {"q": "a"}).status_code == 200, url
    from opiekun.catalog.models import Plan

    plan_url = reverse("admin:catalog_plan_change", args=[Plan.objects.get(code="SHIP-START").pk])
    assert client.get(plan_url).status_code == 200


def test_the_ledger_cannot_be_edited_in_the_admin(presets: None, client: Client) -> None:
    demo.load_demo()
    verified_login(client, User.objects.get(username="kierownik"))
    assert client.get(reverse("admin:contracts_ledgerentry_add")).status_code == 403
    assert client.get(reverse("admin:core_auditevent_add")).status_code == 403


@pytest.mark.parametrize("who", ["customer_a", "outsider"])
def test_customers_and_outsiders_never_see_the_admin(
    personas: Personas, client: Client, who: str
) -> None:
    client.force_login(personas.user(who))
    response = client.get(reverse("admin:tickets_ticket_changelist"))
    # Django's admin sends non-staff to its login page rather than answering 404.
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


class _FormValues(HTMLParser):
    """The values a browser would send for the page's main form, unchanged."""

    def __init__(self) -> None:
        super().__init__()
        self.values: dict[str, str] = {}
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        name = a.get("name")
        if tag == "input" and name and a.get("type") not in ("submit", "checkbox", "file"):
            self.values.setdefault(name, a.get("value") or "")
        elif tag == "input" and name and a.get("type") == "checkbox" and "checked" in a:
            self.values[name] = a.get("value") or "on"
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select and "selected" in a:
            self.values[self._select] = a.get("value") or ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None


def form_as_it_opens(html: str) -> dict[str, str]:
    parser = _FormValues()
    parser.feed(html)
    return parser.values


ALL_OURS = [*OURS, "mail", "knowledge", "notifications", "reports", "search"]


def test_no_add_form_of_the_admin_answers_500(presets: None, client: Client) -> None:
    """Issue 17's traps: an add form saved as it opens (HourBank gave a NOT NULL 500).
    Every add page either refuses (403: made by an action) or answers the empty form
    with its errors; none of them breaks."""
    demo.load_demo()
    verified_login(client, User.objects.get(username="kierownik"))
    client.raise_request_exception = False
    broken = []
    for label in ALL_OURS:
        for model in apps.get_app_config(label).get_models():
            if model not in admin.site._registry:
                continue
            url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_add")
            opened = client.get(url).status_code
            if opened == 403:
                continue
            saved = client.post(url, form_as_it_opens(client.get(url).content.decode())).status_code
            if opened >= 500 or saved >= 500:
                broken.append((url, opened, saved))
    assert broken == []
