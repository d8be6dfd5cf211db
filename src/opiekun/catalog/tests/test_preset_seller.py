"""Gap 2: the seed vendors carry a demo NIP and address, so invoicing can be tried on
the demo, and loading a preset again keeps the NIP and address a manager set."""

from __future__ import annotations

import pytest
from stdnum.pl import nip

from opiekun.catalog import actions, presets
from opiekun.catalog.models import Vendor

pytestmark = pytest.mark.django_db


def test_gap_2_every_seed_vendor_has_a_valid_demo_nip_and_an_address(presets: None) -> None:
    vendors = list(Vendor.objects.all())
    assert len(vendors) == 5
    for vendor in vendors:
        assert nip.is_valid(vendor.tax_id), vendor.code
        # Clearly a demo value: a run of ones.
        assert vendor.tax_id.startswith("1111111"), vendor.code
        assert "Warszawa" in vendor.address, vendor.code
    assert len({v.tax_id for v in vendors}) == 5


def test_gap_2_a_reload_keeps_the_nip_and_address_a_manager_set(presets: None) -> None:
    Vendor.objects.filter(code="ship").update(
        tax_id="5260250274", address="ul. Prawdziwa 7, 80-001 Gdańsk", legal_name="SHIP sp. z o.o."
    )
    actions.load_presets(["ship"])
    ship = Vendor.objects.get(code="ship")
    assert (ship.tax_id, ship.address, ship.legal_name) == (
        "5260250274",
        "ul. Prawdziwa 7, 80-001 Gdańsk",
        "SHIP sp. z o.o.",
    )
    # A blank one is filled again from the preset.
    Vendor.objects.filter(code="ship").update(tax_id="", address="")
    actions.load_presets(["ship"])
    ship.refresh_from_db()
    assert ship.tax_id == "1111111045" and "Przykładowa" in ship.address


def test_gap_2_a_preset_with_a_wrong_nip_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    data = {"vendor": {"code": "x", "name": "X", "tax_id": "1234567890"}}
    with pytest.raises(presets.PresetError, match="tax_id"):
        presets._check_keys("x", data)
