"""Customer notification templates (issue 16, item 2): every kind in both languages,
placeholders checked on save, a preview in the admin."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import translation

from opiekun.notifications import customer_texts
from opiekun.notifications.customer_kinds import CustomerKind
from opiekun.notifications.customer_models import CustomerTemplate

pytestmark = pytest.mark.django_db
LANGUAGES = {code for code, _name in settings.LANGUAGES}


def test_every_kind_ships_both_languages_as_rows_and_defaults() -> None:
    """Fails when a kind is added without its Polish or English text."""
    assert {"pl", "en"} == LANGUAGES
    rows = set(CustomerTemplate.objects.values_list("kind", "language"))
    for kind in CustomerKind.values:
        assert set(customer_texts.DEFAULTS[kind]) == LANGUAGES, kind
        assert kind in customer_texts.PLACEHOLDERS, kind
        for language in LANGUAGES:
            assert (kind, language) in rows, (kind, language)
            subject, body = customer_texts.DEFAULTS[kind][language]
            assert subject.strip() and body.strip()
            # The shipped text passes the check a vendor's edit must pass.
            assert customer_texts.problem(kind, subject) == ""
            assert customer_texts.problem(kind, body) == ""


def test_defaults_differ_per_language() -> None:
    for kind in CustomerKind.values:
        assert customer_texts.DEFAULTS[kind]["pl"] != customer_texts.DEFAULTS[kind]["en"]


def test_the_resolved_notice_carries_the_rating_link_in_both_languages() -> None:
    # Issue 16, item 6: the contact may rate from a link in the e-mail.
    assert "rating_url" in customer_texts.PLACEHOLDERS[CustomerKind.RESOLVED]
    assert [k for k, p in customer_texts.PLACEHOLDERS.items() if "rating_url" in p] == [
        CustomerKind.RESOLVED
    ]
    for language in ("pl", "en"):
        assert "{rating_url}" in customer_texts.DEFAULTS[CustomerKind.RESOLVED][language][1]


def test_an_unknown_placeholder_is_refused_on_save_with_the_field_named() -> None:
    template = CustomerTemplate(
        kind=CustomerKind.ANSWER, language="en", subject="{reference} {deadline}", body="ok"
    )
    with pytest.raises(ValidationError) as caught:
        template.full_clean(exclude=["kind", "language"], validate_unique=False)
    assert set(caught.value.message_dict) == {"subject"}
    assert "{deadline}" in caught.value.message_dict["subject"][0]


@pytest.mark.parametrize("text", ["{reference.__class__}", "{reference!r}", "{ticket_url:>9}", "{"])
def test_attribute_conversion_or_format_is_refused(text: str) -> None:
    with translation.override("en"):
        problem = customer_texts.problem(CustomerKind.ANSWER, text)
    assert "with a name only" in problem
    assert problem.endswith(f"Not accepted: {text}" if len(text) > 1 else "Not accepted: {")
    assert "encountered" not in problem  # never Python's own message


def test_fill_replaces_names_only_and_keeps_an_unknown_one() -> None:
    assert (
        customer_texts.fill("{reference}: {{x}} {gone}", {"reference": "T-1"}) == "T-1: {x} {gone}"
    )


@pytest.fixture
def admin_client(db: None) -> Client:
    user = get_user_model().objects.create_superuser("root", "root@vendor.example", "pw-root-1")
    client = Client()
    client.force_login(user)
    return client


def test_the_admin_previews_a_template_and_lists_its_placeholders(admin_client: Client) -> None:
    template = CustomerTemplate.objects.get(kind=CustomerKind.RECEIPT, language="en")
    page = admin_client.get(
        reverse("admin:notifications_customertemplate_change", args=[template.pk])
    )
    assert page.status_code == 200
    text = page.content.decode()
    assert "we have received your request T-2026-00042" in text  # the preview, filled
    assert "<code>{deadline}</code>" in text


def test_the_admin_refuses_a_typo_and_keeps_the_template(admin_client: Client) -> None:
    template = CustomerTemplate.objects.get(kind=CustomerKind.RESOLVED, language="pl")
    before = template.body
    response = admin_client.post(
        reverse("admin:notifications_customertemplate_change", args=[template.pk]),
        {
            "kind": template.kind,
            "language": template.language,
            "subject": template.subject,
            "body": "Zgłoszenie {refrence} rozwiązane",
        },
    )
    assert response.status_code == 200  # the form again, with the error
    assert "{refrence}" in response.content.decode()
    template.refresh_from_db()
    assert template.body == before
