"""The question form follows the plan (issue 16): HOT-01 where the plan asks for it, a
plain form elsewhere, the plan's own words for severity, and before sending the reaction
the question would get, or why none and which channel would give one."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.utils import translation

from opiekun.catalog.models import Plan, Product
from opiekun.catalog.portal_channel import set_portal_counts_as_email
from opiekun.core.models import AuditEvent
from opiekun.customers.models import Contact
from opiekun.staff.models import StaffMember
from opiekun.testing.personas import Personas, make_personas
from opiekun.testing.signin import verified_login
from opiekun.tickets import actions
from opiekun.tickets.models import Ticket
from opiekun.tickets.promise import promise

pytestmark = pytest.mark.django_db
WARSAW = ZoneInfo("Europe/Warsaw")
# Friday 27 November 2026, 21:30: within KJM's duty clock 7-22, after its office hours.
FRIDAY_EVENING = dt.datetime(2026, 11, 27, 21, 30, tzinfo=WARSAW)


def client_of(p: Personas, who: str, language: str = "pl") -> Client:
    Contact.objects.filter(user=p.user(who)).update(language=language)
    client = Client()
    client.force_login(p.user(who))
    return client


def test_r_sla_4_a_critical_outage_by_e_mail_gets_2_working_hours_on_the_7_22_clock(
    contracted_personas: Personas,
) -> None:
    found = promise(contracted_personas.org_a, severity="critical", at=FRIDAY_EVENING)
    # The portal is not a channel of KJM care: no guarantee there, e-mail gives one.
    assert not found.guaranteed and "does not open the web portal" in found.reason
    # The phones are shut at 21:30 (7-16 on weekdays): only e-mail is pointed to.
    assert [offer.channel for offer in found.channels] == ["email"]
    (email,) = found.channels
    assert email.target_minutes == 120
    # 30 minutes until 22:00, the night skipped, 90 more from 7:00 on Saturday.
    assert email.due_at == dt.datetime(2026, 11, 28, 8, 30, tzinfo=WARSAW)
    morning = promise(
        contracted_personas.org_a,
        severity="critical",
        at=dt.datetime(2026, 11, 27, 10, 0, tzinfo=WARSAW),
    )
    assert [offer.channel for offer in morning.channels] == ["phone", "mobile", "email"]
    assert {offer.due_at.astimezone(WARSAW).hour for offer in morning.channels} == {12}
    normal = promise(contracted_personas.org_a, severity="normal", at=FRIDAY_EVENING)
    assert not normal.guaranteed and not normal.channels
    assert "only for: critical outage" in normal.reason


def test_r_sla_4_with_the_portal_counted_as_e_mail_the_portal_question_is_guaranteed(
    contracted_personas: Personas,
) -> None:
    plan = Plan.objects.get(code="KJM-CARE")
    assert plan.portal_counts_as_email is False  # the seeds keep their channels
    set_portal_counts_as_email(plan, True, actor=contracted_personas.user("account_manager"))
    found = promise(contracted_personas.org_a, severity="critical", at=FRIDAY_EVENING)
    assert found.offer is not None and found.offer.channel == "portal"
    assert found.offer.due_at == dt.datetime(2026, 11, 28, 8, 30, tzinfo=WARSAW)
    ticket = actions.open_ticket(
        contracted_personas.org_a,
        channel="portal",
        subject="Nic nie działa",
        severity="critical",
        contact=contracted_personas.customer_a,
    )
    assert ticket.guaranteed and ticket.reaction_due_at is not None
    assert ticket.channel_note == ""
    event = AuditEvent.objects.get(kind="plan.portal_counts_as_email_set")
    assert event.data["after"] is True


def test_the_portal_closed_by_the_plan_gives_no_guarantee_with_the_setting_off(
    contracted_personas: Personas,
) -> None:
    ticket = actions.open_ticket(
        contracted_personas.org_a,
        channel="portal",
        subject="Nic nie działa",
        severity="critical",
        contact=contracted_personas.customer_a,
    )
    assert not ticket.guaranteed and "web portal" in ticket.guarantee_note


def test_r_ch_5_hot01_only_where_the_plan_asks_for_it(presets: None) -> None:
    p = make_personas("EKS-HOTLINE", "KJM-CARE")
    office = client_of(p, "customer_a").get("/portal/tickets/new").content.decode()
    assert "HOT-01" in office and 'name="office_name"' in office
    assert 'name="return_channel"' in office and 'name="form_sign"' in office
    plain = client_of(p, "customer_b").get("/portal/tickets/new").content.decode()
    assert "HOT-01" not in plain and 'name="office_name"' not in plain
    assert 'name="product"' in plain and 'name="attachment"' in plain


def test_r_sla_4_severity_carries_the_plan_s_own_words_in_the_reader_s_language(
    contracted_personas: Personas,
) -> None:
    polish = client_of(contracted_personas, "customer_a").get("/portal/tickets/new")
    assert "nie można pracować w systemie na żadnym stanowisku" in polish.content.decode()
    english = client_of(contracted_personas, "customer_a", "en").get("/portal/tickets/new")
    assert "the system cannot be used on any workstation" in english.content.decode()
    # SHIP START has no words of its own: the general names.
    other = client_of(contracted_personas, "customer_b", "en").get("/portal/tickets/new")
    assert "critical outage" in other.content.decode()
    assert "workstation" not in other.content.decode()


def test_the_form_says_the_deadline_as_severity_changes(contracted_personas: Personas) -> None:
    client = client_of(contracted_personas, "customer_a", "en")
    first = client.get("/portal/tickets/new").content.decode()
    assert 'hx-get="/portal/tickets/new/promise"' in first
    assert "only for: critical outage" in first
    page = client.get("/portal/tickets/new/promise", {"severity": "critical"}).content.decode()
    assert "Your plan guarantees a reaction for e-mail: write to" in page
    assert "pomoc@kjmsoft.pl" in page
    assert "2 working hours" in page and "Mon-Sun 7-22" in page
    polish = client_of(contracted_personas, "customer_a")
    text = polish.get("/portal/tickets/new/promise", {"severity": "critical"}).content.decode()
    assert "2 godziny robocze" in text and "pon.-niedz. 7-22" in text


def test_a_product_outside_the_plan_is_said_and_another_vendor_s_is_ignored(
    contracted_personas: Personas,
) -> None:
    client = client_of(contracted_personas, "customer_a", "en")
    dwh = Product.objects.get(code="hurtownia-danych")  # KJM's, not under care
    page = client.get("/portal/tickets/new/promise", {"product": dwh.pk}).content.decode()
    assert "does not cover this product" not in page  # not in the plan: not chosen at all
    soot = Product.objects.get(code="soot")
    page = client.get("/portal/tickets/new/promise", {"product": soot.pk}).content.decode()
    assert "does not cover" not in page
    for junk in ("x" * 50, "-1", "99999999999999"):
        assert client.get("/portal/tickets/new/promise", {"product": junk}).status_code == 200


def test_ship_community_is_pointed_to_the_forum_and_e_mail_for_bugs(presets: None) -> None:
    p = make_personas("SHIP-COMMUNITY", None)
    page = client_of(p, "customer_a").get("/portal/tickets/new").content.decode()
    assert "plan nie gwarantuje czasu reakcji" in page
    assert 'href="/portal/forum/"' in page
    assert "Tylko zgłoszenia błędów" in page


def test_the_plain_form_opens_a_ticket_with_product_and_several_files(
    contracted_personas: Personas,
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = client_of(contracted_personas, "customer_a")
    soot = Product.objects.get(code="soot")
    files = [
        SimpleUploadedFile("a.pdf", b"%PDF-1.4 a", content_type="application/pdf"),
        SimpleUploadedFile("b.png", b"\x89PNG\r\n\x1a\nb", content_type="image/png"),
    ]
    response = client.post(
        "/portal/tickets/new",
        {
            "subject": "Awaria",
            "description": "Nikt nie może pracować.",
            "severity": "critical",
            "product": soot.pk,
            "attachment": files,
        },
    )
    ticket = Ticket.objects.get()
    assert response.status_code == 302
    assert (ticket.product, ticket.severity, ticket.channel) == (soot, "critical", "portal")
    assert sorted(ticket.attachments.values_list("filename", flat=True)) == ["a.pdf", "b.png"]


def test_the_promise_fragment_is_for_contacts_only(contracted_personas: Personas) -> None:
    for who in ("outsider", "agent"):
        client = Client()
        client.force_login(contracted_personas.user(who))
        assert client.get("/portal/tickets/new/promise").status_code == 404, who
    anonymous = Client().get("/portal/tickets/new/promise")
    assert anonymous.status_code == 302


def test_managers_set_the_portal_setting_in_the_console_and_the_api(
    contracted_personas: Personas,
) -> None:
    plan = Plan.objects.get(code="SHIP-START")
    agent = Client()
    agent.force_login(contracted_personas.user("agent"))
    url = f"/console/plans/{plan.pk}/portal-channel"
    assert agent.post(url, {"portal_counts_as_email": "on"}).status_code == 404
    StaffMember.objects.filter(pk=contracted_personas.account_manager.pk).update(is_manager=True)
    manager = Client()
    verified_login(manager, contracted_personas.user("account_manager"))
    assert manager.post(url, {"portal_counts_as_email": "on"}).status_code == 302
    plan.refresh_from_db()
    assert plan.portal_counts_as_email
    with translation.override("en"):
        page = manager.get("/console/plans/").content.decode()
    assert f'id="portal-p{plan.pk}" name="portal_counts_as_email" checked' in page
    api = manager.put(
        "/api/v1/plans/SHIP-START/portal-channel",
        data={"portal_counts_as_email": False},
        content_type="application/json",
    )
    assert api.status_code == 200 and api.json()["portal_counts_as_email"] is False
    plan.refresh_from_db()
    assert not plan.portal_counts_as_email


def test_the_api_says_what_a_question_would_get(contracted_personas: Personas) -> None:
    client = Client()
    client.force_login(contracted_personas.user("customer_a"))
    answer = client.get("/api/v1/reaction-preview", {"severity": "critical"}).json()
    assert answer["plan"] == "KJM-CARE" and answer["guaranteed"] is False
    assert answer["email_address"] == "pomoc@kjmsoft.pl"
    assert [o["target_minutes"] for o in answer["guaranteed_elsewhere"]][:1] == [120]
    bad = client.get("/api/v1/reaction-preview", {"product": "ship"})
    assert bad.status_code == 400 and "product" in bad.json()["detail"]
    staff = Client()
    staff.force_login(contracted_personas.user("agent"))
    assert staff.get("/api/v1/reaction-preview").status_code == 400
    by_staff = staff.get(
        "/api/v1/reaction-preview", {"organisation_id": contracted_personas.org_b.pk}
    ).json()
    assert by_staff["plan"] == "SHIP-START"
