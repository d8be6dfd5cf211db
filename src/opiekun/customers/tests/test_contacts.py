"""Contacts, their addresses and registered phone numbers (R-PPL-2, R-PPL-3)."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation

from opiekun.core.audit import events_for
from opiekun.customers import actions
from opiekun.customers.models import ContactPhone
from opiekun.customers.validators import normalise_phone
from opiekun.testing.personas import Personas

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("typed", "e164"),
    [
        ("533 928 838", "+48533928838"),
        ("+48 533-928-838", "+48533928838"),
        ("0048 533 928 838", "+48533928838"),
        ("+49 30 123456", "+4930123456"),
    ],
)
def test_r_ppl_3_numbers_are_stored_in_e164(typed: str, e164: str) -> None:
    assert normalise_phone(typed) == e164


def test_r_ppl_3_a_non_number_is_refused_by_name() -> None:
    # In English whatever language an earlier test left active (the default is Polish).
    with translation.override("en"), pytest.raises(ValidationError, match="12ab is not a phone"):
        normalise_phone("12ab")


def test_r_ppl_3_the_database_refuses_a_number_not_in_e164(personas: Personas) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        ContactPhone.objects.create(contact=personas.customer_a, number="601000003")


def test_r_ppl_2_an_address_belongs_to_one_contact_whatever_its_case(personas: Personas) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        actions.add_contact(personas.org_b, "Impostor", emails=["ADAM@A.example"])
    assert not personas.org_b.contacts.filter(full_name="Impostor").exists()


def test_it_records_who_was_added_with_which_numbers(personas: Personas) -> None:
    contact = actions.add_contact(personas.org_a, "Celina", phones=["601 000 009"])
    assert [p.number for p in contact.phones.all()] == ["+48601000009"]
    event = events_for(contact).get()
    assert event.kind == "contact.created"
    assert event.organisation == personas.org_a
    assert event.data["phones"] == ["+48601000009"]
