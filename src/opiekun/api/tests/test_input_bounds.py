"""No input gives a 5xx (issue 13): each value that once answered 500 now answers a 4xx
that names the field, on SQLite and PostgreSQL alike, and nothing of it is stored."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from opiekun.testing.personas import Personas
from opiekun.tickets import actions
from opiekun.tickets.models import Appointment, Message, Ticket, WorkLog

pytestmark = pytest.mark.django_db
BIGINT_PLUS_ONE = "9223372036854775808"


def client_for(p: Personas, who: str) -> Client:
    client = Client()
    client.force_login(p.user(who))
    return client


def post(client: Client, path: str, body: dict[str, Any] | str):
    data = body if isinstance(body, str) else json.dumps(body)
    return client.post(f"/api/v1{path}", data=data, content_type="application/json")


def assert_names(response: Any, status: int, field: str, *words: str) -> None:
    assert response.status_code == status, response.content
    found = response.json()
    assert found["field"] == field, found
    for word in words:
        assert word in found["detail"], found


@pytest.fixture
def ticket(contracted_personas: Personas) -> Ticket:
    p = contracted_personas
    return actions.open_ticket(p.org_a, channel="phone", subject="Telefon", contact=p.customer_a)


def test_it_refuses_a_promise_past_the_window_and_every_shared_page_still_reads(
    contracted_personas: Personas, ticket: Ticket
) -> None:
    p = contracted_personas
    agent = client_for(p, "agent")
    response = post(
        agent, f"/tickets/{ticket.pk}/promise", {"answer_by": "9999-12-31T23:59:59-14:00"}
    )
    assert_names(response, 422, "answer_by", "2100-01-01")
    ticket.refresh_from_db()
    assert ticket.answer_promised_at is None
    for path in (
        "/api/v1/tickets",
        "/api/v1/queue",
        "/console/",
        f"/console/customers/{p.org_a.pk}/",
        "/console/caller?number=601000001",
    ):
        assert agent.get(path).status_code == 200, path
    assert client_for(p, "customer_a").get("/portal/").status_code == 200


def test_an_offset_no_zone_has_is_stored_as_the_same_moment(
    contracted_personas: Personas, ticket: Ticket
) -> None:
    # Valid ISO 8601, within the window, but beyond what PostgreSQL stores (±15:59).
    agent = client_for(contracted_personas, "agent")
    response = post(agent, f"/tickets/{ticket.pk}/promise", {"answer_by": "2099-06-01T10:00-19:18"})
    assert response.status_code == 200, response.content
    ticket.refresh_from_db()
    assert ticket.answer_promised_at is not None
    assert ticket.answer_promised_at.isoformat() == "2099-06-02T05:18:00+00:00"


def test_it_refuses_integers_beyond_the_columns(
    contracted_personas: Personas, ticket: Ticket
) -> None:
    agent = client_for(contracted_personas, "agent")
    for query, field in (
        (f"offset={BIGINT_PLUS_ONE}", "offset"),
        (f"limit={BIGINT_PLUS_ONE}", "limit"),
        (f"organisation_id={BIGINT_PLUS_ONE}", "organisation_id"),
        ("offset=-1", "offset"),
    ):
        assert_names(agent.get(f"/api/v1/tickets?{query}"), 422, field)
    assert_names(agent.get(f"/api/v1/queue?offset={BIGINT_PLUS_ONE}"), 422, "offset")
    assert_names(agent.get(f"/api/v1/tickets/{BIGINT_PLUS_ONE}"), 422, "ticket_id")
    assert_names(agent.get(f"/api/v1/organisations/{BIGINT_PLUS_ONE}"), 422, "organisation_id")
    work = post(agent, f"/tickets/{ticket.pk}/work-logs", {"kind": "phone", "minutes": 2**31})
    assert_names(work, 422, "minutes")
    assert not WorkLog.objects.exists()


def test_it_bounds_one_work_entry_to_a_day(contracted_personas: Personas, ticket: Ticket) -> None:
    p = contracted_personas
    agent = client_for(p, "agent")
    day = post(agent, f"/tickets/{ticket.pk}/work-logs", {"kind": "phone", "minutes": 24 * 60})
    assert day.status_code == 201, day.content
    longer = post(agent, f"/tickets/{ticket.pk}/work-logs", {"kind": "phone", "minutes": 1441})
    assert_names(longer, 422, "minutes")
    # The console took 100,000,000 minutes and billed them; the action refuses them too.
    page = agent.post(
        f"/console/tickets/{ticket.pk}/work", {"kind": "phone", "minutes": "100000000"}
    )
    assert page.status_code == 400
    assert 'id="work-minutes-errors"' in page.content.decode()
    with pytest.raises(actions.BillingError, match=r"^minutes: "):
        actions.log_work(ticket, staff=p.agent, kind="phone", raw_minutes=100_000_000)
    assert list(WorkLog.objects.values_list("raw_minutes", flat=True)) == [24 * 60]


def test_it_refuses_an_impossible_fax_date(contracted_personas: Personas) -> None:
    agent = client_for(contracted_personas, "agent")

    def fax(form_date: str) -> Any:
        return agent.post(
            "/api/v1/faxes",
            {
                "organisation_id": contracted_personas.org_a.pk,
                "subject": "Faks",
                "form_date": form_date,
                "scan": SimpleUploadedFile("fax.pdf", b"%PDF-1.4 scan", "application/pdf"),
            },
        )

    assert_names(fax("31.02.2026"), 422, "form_date", "31.02.2026")
    assert_names(fax("0001-01-01"), 422, "form_date", "2000-01-01")
    assert not Ticket.objects.exists()
    taken = fax("27.02.2026")  # as written on a Polish form
    assert taken.status_code == 201, taken.content
    assert str(Ticket.objects.get().form_date) == "2026-02-27"


def test_it_refuses_moments_outside_the_window(
    contracted_personas: Personas, ticket: Ticket
) -> None:
    p = contracted_personas
    agent = client_for(p, "agent")
    year_one = "0001-01-01T00:00:00+14:00"
    received = post(
        agent,
        "/tickets",
        {
            "organisation_id": p.org_a.pk,
            "channel": "phone",
            "subject": "x",
            "received_at": year_one,
        },
    )
    assert_names(received, 422, "received_at", "2000-01-01")
    started = post(
        agent,
        f"/tickets/{ticket.pk}/work-logs",
        {"kind": "phone", "minutes": 5, "started_at": year_one},
    )
    assert_names(started, 422, "started_at")
    session = post(
        agent,
        f"/tickets/{ticket.pk}/sessions",
        {"starts_at": "2099-12-31T10:00:00Z", "ends_at": "9999-12-31T23:59:59-14:00"},
    )
    assert_names(session, 422, "ends_at")
    assert Ticket.objects.count() == 1
    assert not WorkLog.objects.exists() and not Appointment.objects.exists()


def test_the_actions_hold_the_same_bounds_for_every_caller(
    contracted_personas: Personas, ticket: Ticket
) -> None:
    import datetime as dt

    p = contracted_personas
    far = dt.datetime(9999, 12, 31, 23, 59, 59, tzinfo=dt.timezone(dt.timedelta(hours=-14)))
    early = dt.datetime(1, 1, 1, tzinfo=dt.timezone(dt.timedelta(hours=14)))
    with pytest.raises(actions.IntakeError, match=r"^answer_by: "):
        actions.promise_answer(ticket, far)
    with pytest.raises(actions.IntakeError, match=r"^received_at: "):
        actions.open_ticket(
            p.org_a, channel="phone", subject="x", received_at=early, backdated=True
        )
    with pytest.raises(actions.BillingError, match=r"^started_at: "):
        actions.log_work(ticket, staff=p.agent, kind="phone", raw_minutes=5, started_at=early)
    with pytest.raises(actions.IntakeError, match=r"^ends_at: "):
        start = dt.datetime(2099, 12, 31, 10, tzinfo=dt.UTC)
        actions.book_remote_session(ticket, staff=p.agent, starts_at=start, ends_at=far)
    with pytest.raises(actions.IntakeError, match=r"^form_date: "):
        actions.open_ticket(p.org_a, channel="email", subject="x", form={"form_date": "31.02.2026"})
    ticket.refresh_from_db()
    assert ticket.answer_promised_at is None
    assert Ticket.objects.count() == 1


@pytest.mark.parametrize("bad", ["\x00", "\ud800", "\x1b"])
def test_it_refuses_characters_the_database_or_exports_cannot_hold(
    contracted_personas: Personas, ticket: Ticket, bad: str
) -> None:
    p = contracted_personas
    agent = client_for(p, "agent")
    subject = post(agent, "/tickets", {"organisation_id": p.org_a.pk, "subject": f"a{bad}b"})
    assert_names(subject, 422, "subject", f"U+{ord(bad):04X}")
    body = post(agent, f"/tickets/{ticket.pk}/messages", {"kind": "note", "body": f"x{bad}"})
    assert_names(body, 422, "body")
    reply = post(
        client_for(p, "customer_a"),
        f"/tickets/{ticket.pk}/messages",
        {"kind": "reply", "body": bad},
    )
    assert_names(reply, 422, "body")
    with pytest.raises(actions.IntakeError, match=r"^subject: "):
        actions.open_ticket(p.org_a, channel="email", subject=f"a{bad}b")
    with pytest.raises(actions.IntakeError, match=r"^body: "):
        actions.answer(ticket, staff=p.agent, body=f"a{bad}b")
    with pytest.raises(actions.IntakeError, match=r"^body: "):
        actions.customer_message(ticket, contact=p.customer_a, body=f"a{bad}b", channel="portal")
    assert Ticket.objects.count() == 1 and not Message.objects.exists()


def test_a_lone_surrogate_in_raw_json_is_refused(contracted_personas: Personas) -> None:
    agent = client_for(contracted_personas, "agent")
    raw = '{"organisation_id": ORG, "subject": "\\ud800"}'.replace(
        "ORG", str(contracted_personas.org_a.pk)
    )
    assert_names(post(agent, "/tickets", raw), 422, "subject", "U+D800")


def test_it_refuses_a_nul_in_a_search_or_a_path(contracted_personas: Personas) -> None:
    agent = client_for(contracted_personas, "agent")
    assert_names(agent.get("/api/v1/tickets?q=%00"), 422, "q")
    assert_names(agent.get("/api/v1/callers/%00"), 422, "number")
    unknown = agent.get("/api/v1/callers/not-a-number")
    assert (unknown.status_code, unknown.json()["known"]) == (200, False)
    assert agent.get("/console/caller?number=%00").status_code == 200


def test_a_subject_longer_than_its_column_is_refused_on_both_databases(
    contracted_personas: Personas,
) -> None:
    p = contracted_personas
    agent = client_for(p, "agent")
    response = post(agent, "/tickets", {"organisation_id": p.org_a.pk, "subject": "x" * 301})
    assert_names(response, 422, "subject", "300", "301")
    with pytest.raises(actions.IntakeError, match=r"^subject: .*300"):
        actions.open_ticket(p.org_a, channel="email", subject="x" * 301)
    assert not Ticket.objects.exists()
    full = post(agent, "/tickets", {"organisation_id": p.org_a.pk, "subject": "x" * 300})
    assert full.status_code == 201


def test_a_body_over_the_limit_is_a_413(contracted_personas: Personas, settings: Any) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 4096
    agent = client_for(contracted_personas, "agent")
    body = {"organisation_id": contracted_personas.org_a.pk, "subject": "x", "description": "y"}
    body["description"] = "y" * 5000
    response = post(agent, "/tickets", body)
    assert response.status_code == 413
    assert response.json()["code"] == "too_large"
    assert not Ticket.objects.exists()


def test_too_many_fields_is_the_400_django_gives_in_json(contracted_personas: Personas) -> None:
    agent = client_for(contracted_personas, "agent")
    response = agent.get("/api/v1/tickets?" + "&".join(f"f{n}=1" for n in range(1001)))
    assert response.status_code == 400
    assert response.json()["code"] == "rejected"


def test_a_fault_of_ours_answers_the_documented_json_error(
    contracted_personas: Personas, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from opiekun.tickets import queries

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("a bug")

    settings.DEBUG = False
    monkeypatch.setattr(queries, "filtered", broken)
    agent = Client(raise_request_exception=False)
    agent.force_login(contracted_personas.user("agent"))
    response = agent.get("/api/v1/tickets")
    assert response.status_code == 500
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["code"] == "server_error"


def test_the_openapi_document_lists_the_errors_and_the_enums(db: None) -> None:
    document = Client().get("/api/v1/openapi.json").json()
    assert "Error" in document["components"]["schemas"]
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            listed = set(operation["responses"])
            where = f"{method.upper()} {path}"
            if operation.get("security"):
                assert {"401", "404"} <= listed, where
            if operation.get("parameters") or "requestBody" in operation:
                assert "422" in listed, where
            if "requestBody" in operation:
                assert "400" in listed, where
    untyped = []

    def walk(node: Any, where: str) -> None:
        if isinstance(node, dict):
            for name, value in node.get("properties", {}).items():
                if name in ("severity", "channel", "kind"):
                    options = [value, *value.get("anyOf", [])]
                    if not any("enum" in o for o in options):
                        untyped.append(f"{where}.{name}")
            for key, value in node.items():
                walk(value, f"{where}/{key}")
        elif isinstance(node, list):
            for item in node:
                walk(item, where)

    walk(document, "")
    assert not untyped, untyped
    assert document["components"]["schemas"]["TicketOut"]["properties"]["severity"]["enum"] == [
        "critical",
        "high",
        "normal",
    ]


def test_a_call_left_running_for_days_ends_billed_as_one_days_entry(
    contracted_personas: Personas, ticket: Ticket
) -> None:
    import datetime as dt

    from django.utils import timezone

    taken = timezone.now() - dt.timedelta(days=3)
    actions.start_call(ticket, staff=contracted_personas.agent, at=taken)
    work = actions.end_call(ticket)
    assert work.raw_minutes == 24 * 60
    ticket.refresh_from_db()
    assert ticket.call_started_at is None
