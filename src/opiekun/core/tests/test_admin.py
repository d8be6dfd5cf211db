"""The admin covers every model and each list opens for a support manager."""

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
