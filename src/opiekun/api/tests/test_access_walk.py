"""Every route of the API and every top-level view, walked with every persona against
customer A's objects (ARCHITECTURE rule 5). The routes come from the OpenAPI document and
the URL conf, so a new route cannot escape this test: it fails until the route is
classified here."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import get_resolver
from django.utils import timezone

from opiekun.api.api import api
from opiekun.catalog.models import Plan, Vendor
from opiekun.contracts.models import (
    Contract,
    HourBank,
    HourRequest,
    LedgerEntry,
    PenaltyTerms,
    Statement,
    StatementApproval,
    TopUpOffer,
)
from opiekun.core import tokens
from opiekun.core.models import ApiToken
from opiekun.invoicing.models import Invoice, VendorInvoicing
from opiekun.mail import actions as mail_actions
from opiekun.mail.models import Mailbox
from opiekun.notifications.models import CustomerPreference, Notification
from opiekun.reports import disputes, exporting, issuing, statements
from opiekun.reports.models import (
    Dispute,
    ExportJob,
    RegisterApproval,
    StatementRun,
    StatementSending,
)
from opiekun.testing.offers import a_offer
from opiekun.testing.personas import Personas
from opiekun.tickets import actions, attachments
from opiekun.tickets.models import ForceMajeure

pytestmark = pytest.mark.django_db

# A valid body for every route that takes one: a 404 must come from the permission
# check, not from a 422 for a body the schema refuses.
BODIES: dict[tuple[str, str], dict[str, object]] = {
    ("post", "/api/v1/tickets"): {"subject": "Próba", "channel": "email"},
    ("post", "/api/v1/tickets/{ticket_id}/messages"): {"kind": "reply", "body": "x"},
    ("post", "/api/v1/tickets/{ticket_id}/work-logs"): {"kind": "phone", "minutes": 5},
    ("post", "/api/v1/tickets/{ticket_id}/status"): {"action": "close"},
    ("post", "/api/v1/tickets/{ticket_id}/promise"): {"answer_by": "2099-01-01T10:00:00+01:00"},
    ("post", "/api/v1/tickets/{ticket_id}/attachments"): {"__multipart__": True},
    ("post", "/api/v1/tickets/{ticket_id}/scope"): {"item_id": 1},
    ("post", "/api/v1/tickets/{ticket_id}/call/end"): {"note": ""},
    ("post", "/api/v1/tickets/{ticket_id}/sessions"): {
        "starts_at": "2099-01-02T10:00:00+01:00",
        "ends_at": "2099-01-02T11:00:00+01:00",
    },
    ("post", "/api/v1/faxes"): {"__multipart__": True, "subject": "Faks"},
    ("patch", "/api/v1/tickets/{ticket_id}"): {"status": "closed", "severity": "critical"},
    ("post", "/api/v1/tickets/{ticket_id}/work-logs/{work_id}/corrections"): {
        "raw_minutes": 0,
        "reason": "x",
    },
    ("put", "/api/v1/plans/{plan_code}/assignment"): {"assignment_rule": "none"},
    ("put", "/api/v1/vendors/{vendor_code}/assignment"): {"assignment_rule": "none"},
    ("put", "/api/v1/vendors/{vendor_code}/pinning"): {"pin_critical": True},
    ("put", "/api/v1/vendors/{vendor_code}/invoicing"): {"issue_on_approval": True},
    ("put", "/api/v1/vendors/{vendor_code}/ksef-token"): {"ksef_token": "secret"},
    ("post", "/api/v1/statements/{statement_id}/invoice"): {},
    ("post", "/api/v1/contracts/{contract_id}/licence"): {"kind": "update", "on": "2026-11-30"},
    ("post", "/api/v1/organisations/{organisation_id}/packages"): {"plan_code": "KJM-PACKAGE"},
    ("post", "/api/v1/banks/{bank_id}/corrections"): {"minutes": 60, "reason": "x"},
    ("post", "/api/v1/organisations/{organisation_id}/contracts"): {"plan_code": "KJM-CARE"},
    ("post", "/api/v1/contracts/{contract_id}/accept"): {},
    ("post", "/api/v1/contracts/{contract_id}/plan-change"): {"plan_code": "KJM-PACKAGE"},
    ("post", "/api/v1/contracts/{contract_id}/notice"): {"by": "customer"},
    ("post", "/api/v1/contracts/{contract_id}/renegotiation"): {
        "reason": "x",
        "proposed_price_net": "1.00",
        "agreed": False,
    },
    ("post", "/api/v1/notifications/{notification_id}/read"): {},
    ("post", "/api/v1/notifications/read"): {},
    ("post", "/api/v1/tickets/{ticket_id}/messages/{message_id}/resend"): {},
    ("post", "/api/v1/tickets/{ticket_id}/messages/with-attachments"): {
        "__multipart__": True,
        "body": "x",
    },
    ("put", "/api/v1/tickets/{ticket_id}/tags"): {"tags": ["obce"]},
    ("post", "/api/v1/canned-responses"): {"title": "T", "body_pl": "a", "body_en": "b"},
    ("put", "/api/v1/canned-responses/{response_id}"): {
        "title": "T",
        "body_pl": "a",
        "body_en": "b",
    },
    ("delete", "/api/v1/canned-responses/{response_id}"): {},
    ("post", "/api/v1/tickets/{ticket_id}/merge"): {"into_id": 1},
    ("post", "/api/v1/tickets/{ticket_id}/split"): {"message_id": 1},
    ("post", "/api/v1/saved-views"): {"name": "Obcy", "filters": {}},
    ("delete", "/api/v1/saved-views/{view_id}"): {},
    ("post", "/api/v1/mail/inbound/{inbound_id}/assign"): {"organisation_id": 1},
    ("post", "/api/v1/mail/inbound/{inbound_id}/discard"): {"reason": "spam"},
    ("post", "/api/v1/mail/inbound/{inbound_id}/retry"): {},
    ("post", "/api/v1/mail/outgoing/{message_id}/resend"): {},
    ("post", "/api/v1/mail/mailboxes/{mailbox_id}/test"): {},
    ("put", "/api/v1/plans/{plan_code}/portal-channel"): {"portal_counts_as_email": True},
    ("post", "/api/v1/my/hour-requests"): {"plan_code": "KJM-PACKAGE"},
    ("post", "/api/v1/hour-requests/{request_id}/decline"): {"reason": "obcy"},
    ("post", "/api/v1/hour-requests/{request_id}/accept"): {},
    ("post", "/api/v1/my/topup-offers/{offer_id}/accept"): {},
    ("post", "/api/v1/my/topup-offers/{offer_id}/decline"): {"reason": "obcy"},
    ("post", "/api/v1/contracts/{contract_id}/topup-offers"): {},
    ("post", "/api/v1/topup-offers/{offer_id}/withdraw"): {"reason": "obcy"},
    ("post", "/api/v1/tickets/{ticket_id}/rating"): {"score": 5, "comment": "obcy"},
    ("put", "/api/v1/my/notification-choices"): {"choices": [{"kind": "answer", "enabled": False}]},
    ("post", "/api/v1/organisations/{organisation_id}/invitations"): {
        "full_name": "Obcy",
        "email": "obcy@elsewhere.example",
    },
    ("post", "/api/v1/contacts/{contact_id}/invitation"): {},
    ("post", "/api/v1/contacts/{contact_id}/anonymise"): {},
    ("patch", "/api/v1/contacts/{contact_id}"): {"active": False},
    ("put", "/api/v1/organisations/{organisation_id}/ticket-visibility"): {
        "contacts_see_all_tickets": True
    },
    ("post", "/api/v1/statement-runs"): {"month": "2026-10"},
    ("post", "/api/v1/statements/{statement_id}/send"): {},
    ("post", "/api/v1/statements/{statement_id}/correction"): {"reason": "x"},
    ("post", "/api/v1/imports/customers"): {"__multipart__": True},
    ("put", "/api/v1/contracts/{contract_id}/penalty-terms"): {
        "basis": "per_breach",
        "amount": "1.00",
    },
    ("delete", "/api/v1/contracts/{contract_id}/penalty-terms"): {},
    ("put", "/api/v1/plans/{plan_code}/penalty-terms"): {"basis": "per_breach", "amount": "1.00"},
    ("post", "/api/v1/tickets/{ticket_id}/force-majeure"): {"reason": "obcy"},
    ("delete", "/api/v1/tickets/{ticket_id}/force-majeure"): {},
    # A's work entry is the walk's only one (id 1 on a fresh database; any other is none).
    ("post", "/api/v1/disputes"): {"work_log_id": 1, "reason": "obcy"},
    ("post", "/api/v1/disputes/{dispute_id}/answer"): {"answer": "obcy"},
    ("post", "/api/v1/disputes/{dispute_id}/accept"): {"reason": "obcy", "raw_minutes": 0},
    ("post", "/api/v1/disputes/{dispute_id}/reject"): {"reason": "obcy"},
    ("post", "/api/v1/exports"): {"kind": "sla", "format": "csv"},
    ("post", "/api/v1/my/api-tokens"): {"name": "Obcy"},
    ("post", "/api/v1/my/api-tokens/{token_id}/revoke"): {},
    ("post", "/api/v1/my/statements/{statement_id}/approve"): {},
    ("put", "/api/v1/vendors/{vendor_code}/seller"): {"tax_id": "5260250274"},
    ("post", "/api/v1/my/register/approve"): {"month": "2026-10"},
}
PUBLIC = {("get", "/api/v1/plans")}
# A contact's own settings: another contact reads and sets their own, never A's; a
# login without a contact gets 404.
OWN = {
    ("get", "/api/v1/my/notification-choices"),
    ("put", "/api/v1/my/notification-choices"),
    ("get", "/api/v1/reaction-preview"),
    ("post", "/api/v1/my/hour-requests"),
    ("get", "/api/v1/my/topup-offers"),
    # Gap 1: B lists and creates B's own tokens; an outsider holds none (404).
    ("get", "/api/v1/my/api-tokens"),
    ("post", "/api/v1/my/api-tokens"),
    # Gap 3: B lists B's statements and approves B's register, never A's.
    ("get", "/api/v1/my/statements"),
    ("post", "/api/v1/my/register/approve"),
}
# Collections answer everyone with what they may see, which for A's things is nothing.
COLLECTIONS = {
    ("get", "/api/v1/tickets"),
    ("get", "/api/v1/organisations"),
    ("post", "/api/v1/tickets"),
    ("get", "/api/v1/disputes"),
}
# A contact's own organisation only (the walk sends no organisation_id): customer B gets
# B's answer, never A's plan; anyone who is no contact and names none gets 404.
TOP_LEVEL = {
    "": "redirect by role",
    "login/": "public",
    "login/verify": "the signed-in user's own second step",
    "login/reset/": "public (says the same for any address)",
    "login/reset/sent": "public",
    "login/reset/<uidb64>/<token>/": "a secret link",
    "login/reset/done": "public",
    "login/invitation/<uidb64>/<token>/": "a secret link",
    "logout/": "public",
    "language": "public (a stranger's choice is only a cookie)",
    "console/": "staff only, walked in console/tests",
    "portal/": "contacts only, walked in portal/tests",
    "healthz": "public",
    "healthz/live": "public (says only that the process answers)",
    "healthz/ready": "public names of failed checks; the errors for staff or HEALTHZ_TOKEN",
    "metrics": "METRICS_TOKEN only, 404 to anyone else (observability/tests)",
    "admin/": "admin",
    "api/v1/": "api",
    "calendar/<str:token>.ics": "secret address",
}


def routes() -> list[tuple[str, str]]:
    doc = api.get_openapi_schema()
    return [(method, path) for path, ops in doc["paths"].items() for method in ops]


@pytest.fixture
def a_objects(contracted_personas: Personas) -> dict[str, str]:
    p = contracted_personas
    ticket = actions.open_ticket(p.org_a, channel="email", subject="Tajne A", contact=p.customer_a)
    scan = attachments.store(ticket, "umowa.pdf", b"%PDF-1.4 tajne A")
    work = actions.log_work(ticket, staff=p.agent, kind="phone", raw_minutes=10)
    note = actions.add_note(ticket, staff=p.agent, body="Tajne A")
    box = Mailbox.objects.create(
        name="pomoc",
        address="pomoc@kjm.example",
        host="127.0.0.1",
        port=9,
        username="u",
        password="p",
        security=Mailbox.Security.PLAIN,
    )
    return {
        "work_id": str(work.pk),
        # A's plan and vendor: only support managers may read or set their rules.
        "plan_code": "KJM-CARE",
        "vendor_code": "kjm",
        "message_id": str(note.pk),
        "ticket_id": str(ticket.pk),
        "response_id": str(
            actions.save_response(None, vendor=None, title="R", body_pl="a", body_en="b").pk
        ),
        "view_id": str(actions.save_view(p.agent, "Agenta", {"status": "closed"}).pk),
        "organisation_id": str(p.org_a.pk),
        "contract_id": str(p.contract_a.pk if p.contract_a else 0),
        "request_id": str(_a_request(p).pk),
        # An offer of hours to A (issue 21, item 4): A's buyers answer, staff withdraw.
        "offer_id": str(a_offer(p).pk),
        "bank_id": str(_a_bank(p).pk),
        "contact_id": str(p.customer_a.pk),
        "number": "+48601000001",
        "attachment_id": str(scan.pk),
        # The account manager's "new ticket" notice: nobody else may read or mark it.
        "notification_id": str(Notification.objects.get(ticket=ticket, kind="new_ticket").pk),
        # Mail waiting for triage: staff only, whoever it may be about.
        "mailbox_id": str(box.pk),
        "inbound_id": str(
            mail_actions.receive(box, b"From: x@c.example\r\nSubject: Tajne A\r\n\r\nA\r\n")[0].pk
        ),
        # A's October statement and a run: staff read them, only managers act.
        "statement_id": str(statements.issue(p.contract_a, dt.date(2026, 10, 1)).pk),  # type: ignore[arg-type]
        "run_id": str(issuing.start(dt.date(2026, 10, 1)).pk),
        # A's question about its work: A and staff see it, staff decide it.
        "dispute_id": str(disputes.raise_dispute(p.customer_a, work_log=work, reason="Tajne A").pk),
        # The agent's export of a report (issue 20, item 4): staff's, never a customer's.
        "export_id": str(exporting.request_export("sla", "csv", {}, actor=p.agent.user).pk),
        # A's own API token (gap 1): only A lists or revokes it.
        "token_id": str(tokens.create_token(p.customer_a.user, "Tajne A")[0].pk),  # type: ignore[arg-type]
    }


def request(client: Client, method: str, path: str, params: dict[str, str]):
    url = re.sub(r"\{(\w+)\}", lambda m: params[m.group(1)], path)
    body = BODIES.get((method, path))
    if method != "get" and (method, path) not in BODIES:
        pytest.fail(f"{method.upper()} {path}: add a sample body to BODIES")
    if body is None:
        return getattr(client, method)(url)
    if body.get("__multipart__"):
        fields = {k: v for k, v in body.items() if k != "__multipart__"}
        fields["organisation_id"] = params["organisation_id"]
        scan = SimpleUploadedFile("skan.pdf", b"%PDF-1.4 test", content_type="application/pdf")
        return client.post(url, data={**fields, "file": scan, "scan": scan})
    return getattr(client, method)(url, data=json.dumps(body), content_type="application/json")


@pytest.mark.parametrize("who", ["customer_b", "outsider"])
def test_no_route_shows_customer_a_to_anyone_else(
    contracted_personas: Personas, a_objects: dict[str, str], who: str
) -> None:
    client = Client()
    client.force_login(contracted_personas.user(who))
    walked = 0
    for method, path in routes():
        response = request(client, method, path, a_objects)
        walked += 1
        where = f"{who}: {method.upper()} {path}"
        if (method, path) in PUBLIC:
            assert response.status_code == 200, where
        elif (method, path) in OWN and who == "customer_b":
            assert response.status_code in (200, 201), where
            # B's own answer, never A's plan (B asks for hours of the one package plan).
            if "hour-requests" not in path:
                assert "KJM" not in response.content.decode(), where
        elif (method, path) in COLLECTIONS:
            if who == "outsider" and method == "post":
                assert response.status_code == 404, where
                continue
            assert response.status_code in (200, 201), where
            text = response.content.decode()
            assert "Tajne A" not in text and "firma-a" not in text, where
        else:
            assert response.status_code == 404, (where, response.content[:300])
            assert response.json()["code"] == "not_found", where
    assert walked >= 17
    # Nothing changed for A, whatever was tried.
    ticket = contracted_personas.org_a.tickets.get()
    assert ticket.status == "new" and ticket.severity == "normal"
    assert ticket.work_logs.count() == 1
    assert set(Plan.objects.values_list("assignment_rule", flat=True)) == {""}
    assert not Plan.objects.filter(portal_counts_as_email=True).exists()
    assert set(Vendor.objects.values_list("assignment_rule", flat=True)) == {"account_manager"}
    assert not Vendor.objects.filter(pin_critical=True).exists()
    assert not VendorInvoicing.objects.exists() and not Invoice.objects.exists()
    assert not HourBank.objects.filter(kind="package").exists()
    assert not HourRequest.objects.exclude(status="open").exists()
    assert not LedgerEntry.objects.filter(kind="correction").exists()
    assert set(Contract.objects.values_list("status", flat=True)) == {"active"}
    assert contracted_personas.org_a.tickets.get().status == "new"
    assert not Notification.objects.exclude(read_at=None).exists()
    assert not CustomerPreference.objects.filter(contact__organisation=contracted_personas.org_a)
    contact = contracted_personas.customer_a
    contact.refresh_from_db()
    assert contact.is_active and not contracted_personas.org_a.contacts.filter(full_name="Obcy")
    assert not contracted_personas.org_a.contacts_see_all_tickets
    assert Statement.objects.count() == 1 and StatementRun.objects.count() == 1
    assert not StatementSending.objects.exists()
    assert not PenaltyTerms.objects.exists() and not ForceMajeure.objects.exists()
    assert Dispute.objects.get().status == "open" and Dispute.objects.get().answer == ""
    assert set(TopUpOffer.objects.values_list("status", flat=True)) == {"open"}
    assert TopUpOffer.objects.count() == 1
    assert ExportJob.objects.count() == 1  # no POST of theirs asked for another
    assert not StatementApproval.objects.exists()
    assert not RegisterApproval.objects.filter(organisation=contracted_personas.org_a).exists()
    a_token = ApiToken.objects.get(user=contracted_personas.customer_a.user)
    assert a_token.revoked_at is None


def test_anonymous_callers_get_401_except_on_public_routes(a_objects: dict[str, str]) -> None:
    client = Client()
    for method, path in routes():
        response = request(client, method, path, a_objects)
        expected = 200 if (method, path) in PUBLIC else 401
        assert response.status_code == expected, f"{method.upper()} {path}"


@pytest.mark.parametrize("who", ["agent", "account_manager", "customer_a"])
def test_the_people_who_may_see_a_ticket_can(
    contracted_personas: Personas, a_objects: dict[str, str], who: str
) -> None:
    client = Client()
    client.force_login(contracted_personas.user(who))
    assert client.get(f"/api/v1/tickets/{a_objects['ticket_id']}").json()["subject"] == "Tajne A"
    org = client.get(f"/api/v1/organisations/{a_objects['organisation_id']}/balances")
    assert org.status_code == 200


def test_every_top_level_view_is_classified(contracted_personas: Personas) -> None:
    patterns = {str(p.pattern) for p in get_resolver().url_patterns}
    assert patterns == set(TOP_LEVEL), "classify the new view here and walk it"
    client = Client()
    client.force_login(contracted_personas.user("outsider"))
    assert client.get("/healthz").status_code == 200
    assert client.get("/healthz/live").json() == {"status": "ok"}
    assert "errors" not in client.get("/healthz/ready").json()
    assert client.get("/metrics").status_code == 404
    admin = client.get("/admin/")
    assert admin.status_code == 302 and "/admin/login/" in admin["Location"]
    assert client.get("/calendar/guessed-token.ics").status_code == 404


def _a_bank(p: Personas) -> HourBank:
    """A bank of A's (KJM care grants none by itself): only managers may correct it."""
    assert p.contract_a is not None
    return HourBank.objects.create(
        contract=p.contract_a, kind="allotment", valid_from=timezone.now() - dt.timedelta(days=1)
    )


def _a_request(p: Personas) -> HourRequest:
    """A's open request for hours: only a manager may answer it."""
    return HourRequest.objects.create(
        organisation=p.org_a,
        contact=p.customer_a,
        plan=Plan.objects.get(code="KJM-PACKAGE"),
        minutes=60,
    )
