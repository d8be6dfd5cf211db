"""The queue at a decade's size (issue 20): the customer filter does not list every
organisation, a search-as-you-type field fetches the matches, and the count of a page
stops at a cap instead of counting the whole table."""

from __future__ import annotations

import re

import pytest

from opiekun.console.tests.test_queue_page import client_for, open_many, references
from opiekun.core import counting
from opiekun.customers import actions as customer_actions
from opiekun.testing.personas import Personas

pytestmark = pytest.mark.django_db


def options(html: str) -> list[str]:
    return re.findall(r'<option value="(\d*)"', html)


def test_the_customer_filter_lists_only_the_chosen_customer(
    contracted_personas: Personas,
) -> None:
    p = contracted_personas
    for n in range(30):
        customer_actions.create_organisation(f"Gmina {n}", f"gmina-{n}")
    agent = client_for(p, "agent")
    select = re.search(
        r'<select name="organisation_id".*?</select>', agent.get("/console/").content.decode(), re.S
    )
    assert select is not None and options(select.group()) == [""]
    chosen = agent.get(f"/console/?organisation_id={p.org_a.pk}").content.decode()
    select = re.search(r'<select name="organisation_id".*?</select>', chosen, re.S)
    assert select is not None and options(select.group()) == ["", str(p.org_a.pk)]
    assert 'hx-get="/console/queue/customers"' in chosen


def test_typing_a_name_suggests_the_matching_customers(contracted_personas: Personas) -> None:
    p = contracted_personas
    for n in range(25):
        customer_actions.create_organisation(f"Gmina Dolna {n}", f"dolna-{n}")
    customer_actions.create_organisation("Starostwo", "gmina-w-skrocie")
    agent = client_for(p, "agent")
    html = agent.get("/console/queue/customers?customer=gmina").content.decode()
    # By name or short name, at most 20, in name order.
    assert len(options(html)) == 21
    assert "Gmina Dolna 0" in html and "Starostwo" not in html  # 20 of 26, by name
    few = agent.get("/console/queue/customers?customer=skrocie").content.decode()
    assert "Starostwo" in few and len(options(few)) == 2
    assert options(agent.get("/console/queue/customers?customer=").content.decode()) == [""]
    assert agent.get("/console/queue/customers?customer=%00" + "x" * 500).status_code == 200


@pytest.mark.parametrize("who", ["customer_a", "outsider"])
def test_only_staff_get_customer_suggestions(contracted_personas: Personas, who: str) -> None:
    client = client_for(contracted_personas, who)
    assert client.get("/console/queue/customers?customer=a").status_code == 404


def test_a_page_counts_up_to_the_cap_only(
    contracted_personas: Personas, monkeypatch: pytest.MonkeyPatch
) -> None:
    p = contracted_personas
    open_many(p, 8)
    monkeypatch.setattr(counting, "COUNT_CAP", 5)
    agent = client_for(p, "agent")
    html = agent.get("/console/").content.decode()
    assert "Ponad 5 zgłoszeń: zawęź filtry" in html  # the agent reads Polish
    # A keyset page (issue 20, item 2) is a whole page whatever the count says.
    assert len(references(html)) == 8
    monkeypatch.setattr(counting, "COUNT_CAP", 10)
    under = agent.get("/console/").content.decode()
    assert len(references(under)) == 8 and "Ponad" not in under
    # The API's count stops at the cap plus one as well: "more than the cap".
    monkeypatch.setattr(counting, "COUNT_CAP", 5)
    page = agent.get("/api/v1/tickets?limit=3").json()
    assert (page["count"], len(page["items"])) == (6, 3)
    assert agent.get("/api/v1/queue?limit=50").json()["count"] == 6


def test_the_register_form_lists_only_the_chosen_customer(contracted_personas: Personas) -> None:
    # Issue 20, item 2: the register's customer field, like the queue's, offers the one
    # chosen and fetches the others as the agent types (it rendered 2,000 options).
    p = contracted_personas
    for n in range(30):
        customer_actions.create_organisation(f"Gmina {n}", f"gmina-{n}")
    agent = client_for(p, "agent")
    empty = agent.get("/console/reports/register").content.decode()
    select = re.search(r'<select name="organisation".*?</select>', empty, re.S)
    assert select is not None and options(select.group()) == [""]
    assert 'hx-target="#id_organisation"' in empty
    chosen = agent.get(
        "/console/reports/register", {"organisation": str(p.org_b.pk), "period": "2026-10"}
    ).content.decode()
    select = re.search(r'<select name="organisation".*?</select>', chosen, re.S)
    assert select is not None and options(select.group()) == ["", str(p.org_b.pk)]
    unknown = agent.get(
        "/console/reports/register", {"organisation": str(10**30), "period": "2026-10"}
    )
    assert unknown.status_code == 200
    assert "Wybierz poprawną wartość" in unknown.content.decode()
