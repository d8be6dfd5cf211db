"""GET /api/v1/plans: the public price list (a vendor's prices are public)."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

pytestmark = pytest.mark.django_db


def test_it_lists_the_twelve_plans_to_anyone(presets: None, client: Client) -> None:
    response = client.get("/api/v1/plans")
    assert response.status_code == 200
    plans = {p["code"]: p for p in response.json()}
    assert len(plans) == 12
    start = plans["SHIP-START"]
    assert start["price_net"] == "399.00"
    assert start["minimum_months"] == 3
    assert start["included_minutes"] == 180
    assert start["hourly_rate_net"] == "165.00"
    assert start["service_hours"] == "SHIP START: dni robocze 8:00-16:00"
    assert {
        "severity": None,
        "channel": "email",
        "minutes": 480,
        "counted_in": "SHIP START: dni robocze 8:00-16:00",
    } in start["reaction_targets"]
    care = plans["KJM-CARE"]
    assert care["price_net"] is None
    assert care["unlimited_support"] is True
    assert {
        "channel": "mobile",
        "open_hours": "KJM: dni powszednie 7:00-16:00",
        "guaranteed": True,
        "restriction": "",
    } in care["channels"]


def test_it_reads_the_price_list_in_a_fixed_number_of_queries(
    presets: None, client: Client
) -> None:
    with CaptureQueriesContext(connection) as queries:
        client.get("/api/v1/plans")
    assert len(queries) <= 4  # plans, channels, targets, plus the session-less request


def test_it_hides_plans_that_are_not_public(presets: None, client: Client) -> None:
    from opiekun.catalog.models import Plan

    Plan.objects.filter(code="SHIP-PREMIUM").update(is_public=False)
    codes = {p["code"] for p in client.get("/api/v1/plans").json()}
    assert "SHIP-PREMIUM" not in codes
    assert len(codes) == 11


def test_it_serves_the_openapi_document(client: Client) -> None:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    doc = response.json()
    assert "/api/v1/plans" in doc["paths"]
    assert doc["info"]["version"] == "1"


def test_it_answers_healthz(client: Client) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}  # a stranger learns only up or down
