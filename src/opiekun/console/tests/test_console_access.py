"""The console is for staff only: customers and outsiders get 404 for every page, the
anonymous are sent to sign in (ARCHITECTURE rule 5)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client
from django.utils import timezone

from opiekun.catalog.models import Plan, Vendor
from opiekun.console import urls as console_urls
from opiekun.contracts.models import (
    Contract,
    HourBank,
    HourRequest,
    LedgerEntry,
    Statement,
    TopUpOffer,
)
from opiekun.core import tokens
from opiekun.core.models import ApiToken
from opiekun.knowledge import actions as kb
from opiekun.knowledge.models import Article, ForumThread
from opiekun.mail import actions as mail_actions
from opiekun.mail.models import Mailbox
from opiekun.notifications.models import Notification
from opiekun.reports import disputes, export_work, exporting, issuing, statements
from opiekun.reports.models import Dispute, ExportJob, StatementRun, StatementSending
from opiekun.testing.offers import a_offer
from opiekun.testing.personas import Personas
from opiekun.tickets import actions

pytestmark = pytest.mark.django_db
# Support managers' pages: an agent gets 404 too (walked in core/tests/test_signin_security).
# Writing canned responses is a manager's too (R-PPL-1: managers set the vendor's wording).
MANAGERS_ONLY = {"/console/lockouts/", "/console/plans/", "/console/canned/new"}
# Importing customers and the vendor's alerts are the contract desk's (issue 17).
MANAGERS_ONLY |= {"/console/import/", "/console/import/template", "/console/alerts/"}
# A vendor's invoicing settings (issue 21, item 1) are a support manager's.
MANAGERS_ONLY_PATTERN = re.compile(r"/console/canned/\d+/|/console/vendors/\d+/invoicing")
TRIAGED = b"From: nowy@c.example\r\nSubject: Kto to?\r\nMessage-ID: <t1@c.example>\r\n\r\nHej\r\n"


def mail_box() -> Mailbox:
    # Port 9 (discard) on this machine: nobody answers, so a connection test fails fast.
    return Mailbox.objects.create(
        name="pomoc",
        address="pomoc@kjm.example",
        host="127.0.0.1",
        port=9,
        username="u",
        password="p",
        security=Mailbox.Security.PLAIN,
    )


# The smallest PNG: eight signature bytes are all attachments.sniff needs.
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16


@pytest.fixture
def pages(contracted_personas: Personas) -> list[tuple[str, str]]:
    """Every console route, filled with customer A's objects (B's forum thread). Built
    from the URL conf: a new console route fails this fixture until it is listed."""
    p = contracted_personas
    ticket = actions.open_ticket(p.org_a, channel="email", subject="Tajne A", contact=p.customer_a)
    session = actions.book_remote_session(
        ticket,
        staff=p.agent,
        starts_at=timezone.now() + dt.timedelta(days=1),
        ends_at=timezone.now() + dt.timedelta(days=1, hours=1),
    )
    article = kb.write_article(
        vendor=Vendor.objects.get(code="kjm"), title="Szkic A", answer="Odpowiedź"
    )
    thread = kb.ask(p.customer_b, Vendor.objects.get(code="ship"), title="Wątek", body="Pytanie")
    note = actions.add_note(ticket, staff=p.agent, body="Zrzut", files=[("a.png", PNG)])
    ids = {
        "ticket_id": ticket.pk,
        "organisation_id": p.org_a.pk,
        "contract_id": p.contract_a.pk if p.contract_a else 0,
        "request_id": HourRequest.objects.create(
            organisation=p.org_a,
            contact=p.customer_a,
            plan=Plan.objects.get(code="KJM-PACKAGE"),
            minutes=60,
        ).pk,
        "bank_id": _a_bank(p).pk,
        # An offer of hours to A (issue 21, item 4): staff withdraw it, nobody else.
        "offer_id": a_offer(p).pk,
        "contact_id": p.customer_a.pk,
        "article_id": article.pk,
        "thread_id": thread.pk,
        "appointment_id": session.pk,
        "key": "sla",
        "member_id": p.agent.pk,
        "work_id": (
            work := actions.log_work(ticket, staff=p.agent, kind="phone", raw_minutes=10)
        ).pk,
        # A's question about that work: staff answer and decide it, nobody else sees it.
        "dispute_id": disputes.raise_dispute(p.customer_a, work_log=work, reason="Tajne A").pk,
        "plan_id": p.contract_a.plan_id if p.contract_a else 0,
        "vendor_id": Vendor.objects.get(code="kjm").pk,
        # The account manager's "new ticket" notice: nobody else may mark it.
        "notification_id": Notification.objects.get(ticket=ticket, kind="new_ticket").pk,
        "message_id": note.pk,
        "attachment_id": note.attachments.get().pk,
        "view_id": actions.save_view(p.agent, "Mine", {"view": "mine"}).pk,
        "response_id": actions.save_response(
            None, vendor=None, title="Witaj", body_pl="Dzień dobry", body_en="Hello"
        ).pk,
        "mailbox_id": (mailbox := mail_box()).pk,
        "inbound_id": mail_actions.receive(mailbox, TRIAGED)[0].pk,
        "statement_id": statements.issue(p.contract_a, dt.date(2026, 10, 1)).pk,  # type: ignore[arg-type]
        "run_id": issuing.start(dt.date(2026, 10, 1)).pk,
        # The agent's report export, written (issue 20): its file is the agent's only.
        "export_id": _written_export(p).pk,
        # The agent's own API token (gap 1): a customer may not revoke it.
        "token_id": tokens.create_token(p.agent.user, "Agenta")[0].pk,
    }
    methods = {
        *console_urls.TICKET_ACTIONS,
        *("open", "end-call", "assign", "take", "unassign", "correct", "assignment"),
        "pinning",
        "licence",
        "packages",
        *("quote", "notice", "renegotiate", "decline", "change-plan"),
        "portal-channel",
        *("presence", "read", "read-all"),
        "resend",
        "invite",
        "anonymise",
        *("publish", "withdraw", "reply", "accept", "article", "ticket"),
        *("to-article", "book-session", "cancel", "unlock", "reset"),
        *("status", "tag", "save", "delete", "add", "remove", "merge", "split"),
        *("discard", "retry", "test"),
        *("issue", "send"),
        *("check", "confirm"),
        *("penalty", "force-majeure", "reject"),
        "invoice",
        "export",
        "make",
        "on-approval",
        "ksef-token",
        "revoke",
        "seller",
    }
    found, posted_names = [], set()
    for pattern in console_urls.urlpatterns:
        route = str(pattern.pattern)
        url = "/console/" + re.sub(r"<\w+:(\w+)>", lambda m: str(ids[m.group(1)]), route)
        last = route.rstrip("/").rsplit("/", 1)[-1]
        found.append(("post" if last in methods else "get", url))
        posted_names.add(last if last in methods else "")
    # Every name listed is a route's (two routes may share one: plans' and vendors'
    # "assignment"), so no POST route lands on the GET side by a stale name.
    assert posted_names - {""} == methods
    return [
        (m, u + ("?number=%2B48601000001" if u.endswith("caller") else ""))
        for m, u in found
        if not u.endswith("work-preview")
    ] + [("get", f"/console/tickets/{ticket.pk}/work-preview?kind=phone&minutes=17")]


def _written_export(p: Personas) -> ExportJob:
    job = exporting.request_export("sla", "csv", {}, actor=p.agent.user)
    export_work.perform(job.pk)
    return job


@pytest.mark.parametrize("who", ["customer_a", "customer_b", "outsider"])
def test_no_console_page_answers_anyone_but_staff(
    contracted_personas: Personas, pages: list[tuple[str, str]], who: str
) -> None:
    client = Client()
    client.force_login(contracted_personas.user(who))
    for method, url in pages:
        body = {
            **{"action": "ticket", "minutes": 30, "starts_at": "2099-01-01T10:00"},
            **{"pin_critical": "1", "plan": "KJM-PACKAGE", "reason": "x", "kind": "update"},
            **{"by": "customer", "proposed_price_net": "1", "agreed": "no"},
        }
        response = getattr(client, method)(url, body if method == "post" else None)
        assert response.status_code == 404, (who, url)
    ticket = contracted_personas.org_a.tickets.get()
    assert ticket.status == "new" and ticket.appointments.get().status == "confirmed"
    assert ticket.assignee == contracted_personas.account_manager
    assert ticket.work_logs.count() == 1 and ticket.call_started_at is None
    assert set(Vendor.objects.values_list("assignment_rule", flat=True)) == {"account_manager"}
    assert not Vendor.objects.filter(pin_critical=True).exists()
    assert not HourBank.objects.filter(kind="package").exists()
    assert not HourRequest.objects.exclude(status="open").exists()
    assert not LedgerEntry.objects.filter(kind="correction").exists()
    assert set(Contract.objects.values_list("status", flat=True)) == {"active"}
    assert Article.objects.get().status == "draft" and ForumThread.objects.get().ticket is None
    assert not Notification.objects.exclude(read_at=None).exists()
    assert Statement.objects.count() == 1 and StatementRun.objects.count() == 1
    assert ExportJob.objects.count() == 1  # no POST of theirs asked for another
    assert not StatementSending.objects.exists()
    assert Dispute.objects.get().status == "open" and Dispute.objects.get().answer == ""
    assert set(TopUpOffer.objects.values_list("status", flat=True)) == {"open"}
    assert not ApiToken.objects.exclude(revoked_at=None).exists()


def test_the_anonymous_are_sent_to_sign_in(pages: list[tuple[str, str]]) -> None:
    for method, url in pages:
        response = getattr(Client(), method)(url)
        assert response.status_code == 302 and response["Location"].startswith("/login/"), url


def test_an_agent_sees_the_queue_and_the_ticket(
    contracted_personas: Personas, pages: list[tuple[str, str]]
) -> None:
    client = Client()
    client.force_login(contracted_personas.user("agent"))
    assert "Tajne A" in client.get("/console/").content.decode()
    for method, url in pages:
        if method == "get":
            managers = url in MANAGERS_ONLY or MANAGERS_ONLY_PATTERN.fullmatch(url)
            # No invoice was issued for the walk's statement (invoicing's tests download one).
            expected = 404 if managers or url.endswith("invoice.xml") else 200
            assert client.get(url).status_code == expected, url
    ticket_page = next(u for _m, u in pages if re.fullmatch(r"/console/tickets/\d+/", u))
    assert "Tajne A" in client.get(ticket_page).content.decode()
    preview = client.get(pages[-1][1]).content.decode()
    assert "min" in preview


def test_r_ppl_3_the_caller_box_shows_the_card_or_says_the_number_is_unknown(
    contracted_personas: Personas, pages: list[tuple[str, str]]
) -> None:
    client = Client()
    client.force_login(contracted_personas.user("agent"))
    known = client.get("/console/caller", {"number": "601 000 001"}).content.decode()
    assert "Firma A" in known and "KJM-CARE" in known and "Tajne A" in known
    assert "+48601000001" in known  # the registered numbers are on the card
    unknown = client.get("/console/caller", {"number": "+48 500 500 500"}).content.decode()
    assert "+48500500500" in unknown and "Firma" not in unknown
    card = client.get(f"/console/customers/{contracted_personas.org_a.pk}/").content.decode()
    assert "Olgierd Opiekun" in card and "Adam Klient" in card


def test_r_ppl_2_the_billing_preview_draws_as_log_work_would(
    contracted_personas: Personas,
) -> None:
    p = contracted_personas  # B is on SHIP START: 180 min a month, single point of contact
    client = Client()
    client.force_login(p.user("agent"))
    own = actions.open_ticket(p.org_b, channel="phone", subject="x", contact=p.customer_b)
    someone = actions.open_ticket(p.org_b, channel="phone", subject="y")
    from opiekun.contracts import banks

    banks.ensure_month_banks(p.contract_b, timezone.localdate())  # type: ignore[arg-type]
    url = "/console/tickets/{}/work-preview?kind=phone&minutes=17"
    designated = client.get(url.format(own.pk)).content.decode()
    assert "30 min z puli" in designated and "zostanie 2 h 30 min" in designated
    other = client.get(url.format(someone.pk)).content.decode()
    assert "Nie od osoby wskazanej" in other and "30 min ponad pule" in other
    assert "z puli" not in other
    assert not own.work_logs.exists()  # a preview writes nothing


def test_the_queue_takes_the_api_filters_and_names_a_bad_one(
    contracted_personas: Personas,
) -> None:
    p = contracted_personas
    actions.open_ticket(p.org_a, channel="email", subject="Mail A", contact=p.customer_a)
    actions.open_ticket(p.org_b, channel="phone", subject="Telefon B", contact=p.customer_b)
    client = Client()
    client.force_login(p.user("agent"))
    by_channel = client.get("/console/", {"channel": "phone"}).content.decode()
    assert "Telefon B" in by_channel and "Mail A" not in by_channel
    by_org = client.get("/console/", {"organisation_id": p.org_a.pk}).content.decode()
    assert "Mail A" in by_org and "Telefon B" not in by_org
    assert "Mail A" in client.get("/console/", {"q": "mail"}).content.decode()
    bad = client.get("/console/", {"severity": "apocalyptic"}).content.decode()
    assert "apocalyptic" in bad and 'role="alert"' in bad
    assert "Mail A" in bad and "Telefon B" in bad  # a bad filter filters nothing


def test_scope_is_classified_from_the_ticket_page(contracted_personas: Personas) -> None:
    from opiekun.catalog.models import ScopeItem
    from opiekun.contracts.models import QuoteRequest

    p = contracted_personas
    ticket = actions.open_ticket(
        p.org_a, channel="email", subject="Nowy raport", contact=p.customer_a
    )
    excluded = ScopeItem.objects.filter(plan__code="KJM-CARE", kind="excluded").first()
    assert excluded is not None
    client = Client()
    client.force_login(p.user("agent"))
    page = client.get(f"/console/tickets/{ticket.pk}/").content.decode()
    assert excluded.text in page
    client.post(
        f"/console/tickets/{ticket.pk}/scope", {"item": excluded.pk, "note": "raport sprzedaży"}
    )
    ticket.refresh_from_db()
    assert ticket.scope == "billable" and QuoteRequest.objects.get().ticket == ticket
    other = ScopeItem.objects.exclude(plan__code="KJM-CARE").first()
    assert other is not None
    wrong = client.post(f"/console/tickets/{ticket.pk}/scope", {"item": other.pk})
    # Another plan's line is not among the choices: refused on the field, nothing recorded.
    assert wrong.status_code == 400 and 'id="scope-item-errors"' in wrong.content.decode()
    assert QuoteRequest.objects.count() == 1


def _a_bank(p: Personas) -> HourBank:
    """A bank of A's (KJM care grants none by itself): only managers may correct it."""
    assert p.contract_a is not None
    return HourBank.objects.create(
        contract=p.contract_a, kind="allotment", valid_from=timezone.now() - dt.timedelta(days=1)
    )
