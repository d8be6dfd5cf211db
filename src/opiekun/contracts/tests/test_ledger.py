"""The hour-bank ledger is append-only and signed by kind (R-HRS-5)."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from opiekun.contracts.models import HourBank, LedgerEntry
from opiekun.core.models import AppendOnlyError
from opiekun.testing.personas import Personas

pytestmark = pytest.mark.django_db


@pytest.fixture
def bank(contracted_personas: Personas) -> HourBank:
    assert contracted_personas.contract_b is not None
    start = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)
    return HourBank.objects.create(
        contract=contracted_personas.contract_b,
        kind=HourBank.Kind.ALLOTMENT,
        valid_from=start,
        expires_at=start + dt.timedelta(days=30),
    )


def test_r_hrs_5_entries_are_never_updated_or_deleted(bank: HourBank) -> None:
    entry = LedgerEntry.objects.create(bank=bank, kind="grant", minutes=180, reason="November")
    entry.minutes = 999
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        LedgerEntry.objects.filter(pk=entry.pk).update(minutes=1)
    with pytest.raises(AppendOnlyError):
        LedgerEntry.objects.filter(pk=entry.pk).delete()
    entry.refresh_from_db()
    assert entry.minutes == 180


@pytest.mark.parametrize(
    ("kind", "minutes"),
    [("grant", -30), ("grant", 0), ("use", 15), ("expiry", 10), ("correction", 0)],
)
def test_r_hrs_5_the_sign_must_match_the_kind(bank: HourBank, kind: str, minutes: int) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        LedgerEntry.objects.create(bank=bank, kind=kind, minutes=minutes, reason="bad")


def test_r_hrs_5_a_use_names_its_work_log(bank: HourBank) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        LedgerEntry.objects.create(bank=bank, kind="use", minutes=-30, reason="no work log")


def test_a_bank_cannot_expire_before_it_starts(bank: HourBank) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        HourBank.objects.create(
            contract=bank.contract,
            kind=HourBank.Kind.PACKAGE,
            valid_from=bank.valid_from,
            expires_at=bank.valid_from - dt.timedelta(days=1),
        )
