"""Two-factor sign-in for staff (issue 13), driven with real TOTP codes
(django_otp.oath.totp): set up in the console, asked after the password, recovery
codes that work once, and required for managers by OTP_REQUIRED_FOR_MANAGERS."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from opiekun.core.audit import events_for
from opiekun.staff import actions as staff_actions
from opiekun.staff.models import StaffMember
from opiekun.testing.personas import PASSWORD, Personas
from opiekun.testing.signin import verified_login

pytestmark = pytest.mark.django_db


def code(device: TOTPDevice, steps_ahead: int = 0) -> str:
    """The app's code now (or a step later: a code once used is not taken again)."""
    device.refresh_from_db()
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, steps_ahead):06d}"


def signed_in_with_password(username: str) -> Client:
    client = Client()
    response = client.post("/login/", {"username": username, "password": PASSWORD})
    assert response.status_code == 302
    return client


def enrol(client: Client) -> tuple[TOTPDevice, list[str]]:
    page = client.post("/console/security/", {"step": "start"}).content.decode()
    device = TOTPDevice.objects.get(confirmed=False)
    secret = re.search(r'<code class="secret">([A-Z2-7=]+)</code>', page)
    assert secret and "<svg" in page  # the key to type and the QR code to scan
    done = client.post("/console/security/", {"step": "confirm", "code": code(device)})
    codes = re.findall(r"<li><code>(\w+)</code></li>", done.content.decode())
    return device, codes


def test_a_staff_member_sets_up_totp_in_the_console_and_is_asked_for_it(
    personas: Personas,
) -> None:
    agent = personas.agent
    client = signed_in_with_password(agent.user.username)
    assert client.get("/console/").status_code == 200  # no device yet: not asked
    device, codes = enrol(client)
    device.refresh_from_db()
    assert device.confirmed and len(codes) == 10
    assert [e.kind for e in events_for(agent)][:2] == ["staff.totp_enabled", "staff.totp_started"]
    assert client.get("/console/").status_code == 200  # this session proved the code

    again = signed_in_with_password(agent.user.username)
    held = again.get("/console/")
    assert held.status_code == 302 and held["Location"].startswith("/login/verify?next=")
    assert again.get("/api/v1/queue").status_code == 401  # the session is not enough
    assert again.get("/admin/").status_code == 302
    wrong = again.post("/login/verify", {"code": "000000", "next": "/console/"}, follow=True)
    assert "Ten kod jest nieprawidłowy" in wrong.content.decode()
    # A failure makes the device wait before the next try (django-otp's throttling).
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0)
    ok = again.post("/login/verify", {"code": code(device, 1), "next": "/console/"})
    assert ok.status_code == 302 and ok["Location"] == "/console/"
    assert again.get("/console/").status_code == 200
    assert again.get("/api/v1/queue").status_code == 200
    assert events_for(agent.user).filter(kind="sign_in.second_factor").exists()


def test_a_recovery_code_works_once(personas: Personas) -> None:
    client = signed_in_with_password(personas.agent.user.username)
    _, codes = enrol(client)
    first = signed_in_with_password(personas.agent.user.username)
    assert first.post("/login/verify", {"code": codes[0]}).status_code == 302
    assert first.get("/console/").status_code == 200
    assert StaticToken.objects.count() == 9
    second = signed_in_with_password(personas.agent.user.username)
    second.post("/login/verify", {"code": codes[0]})
    assert second.get("/console/").status_code == 302


def test_new_recovery_codes_replace_the_old(personas: Personas) -> None:
    client = signed_in_with_password(personas.agent.user.username)
    _, old = enrol(client)
    page = client.post("/console/security/", {"step": "renew"}).content.decode()
    new = re.findall(r"<li><code>(\w+)</code></li>", page)
    assert len(new) == 10 and not set(new) & set(old)
    later = signed_in_with_password(personas.agent.user.username)
    later.post("/login/verify", {"code": old[1]})
    assert later.get("/console/").status_code == 302


@pytest.fixture
def manager(db: None) -> StaffMember:
    return staff_actions.create_staff_member(
        "p-kierownik",
        full_name="Kamil Kierownik",
        email="k@v.example",
        password=PASSWORD,
        roles=("manager", "agent"),
    )


def test_a_manager_must_set_it_up_before_anything_else(manager: StaffMember) -> None:
    client = signed_in_with_password(manager.user.username)
    sent = client.get("/console/")
    assert sent.status_code == 302 and sent["Location"].startswith("/console/security/?next=")
    assert client.get("/admin/").status_code == 302
    assert client.get("/console/lockouts/").status_code == 302
    page = client.get(sent["Location"]).content.decode()
    assert "Kierownicy wsparcia muszą logować się dwuetapowo" in page
    enrol(client)
    assert client.get("/console/").status_code == 200
    refused = client.post("/console/security/", {"step": "off"}, follow=True)
    assert "nie można teraz zmienić" in refused.content.decode()
    assert TOTPDevice.objects.filter(user=manager.user, confirmed=True).exists()


def test_the_requirement_for_managers_is_a_setting(
    manager: StaffMember, settings: pytest.FixtureRequest
) -> None:
    settings.OTP_REQUIRED_FOR_MANAGERS = False  # type: ignore[attr-defined]
    client = signed_in_with_password(manager.user.username)
    assert client.get("/console/").status_code == 200


def test_an_agent_may_turn_it_off(personas: Personas) -> None:
    client = signed_in_with_password(personas.agent.user.username)
    enrol(client)
    client.post("/console/security/", {"step": "off"})
    assert not TOTPDevice.objects.exists()
    assert signed_in_with_password(personas.agent.user.username).get("/console/").status_code == 200


def test_contacts_and_outsiders_have_no_security_page(personas: Personas) -> None:
    for who in ("customer_a", "outsider"):
        client = Client()
        client.force_login(personas.user(who))
        assert client.get("/console/security/").status_code == 404, who
        assert client.get("/console/lockouts/").status_code == 404, who


def test_a_manager_resets_a_colleagues_lost_device_and_it_is_audited(
    personas: Personas,
) -> None:
    """A lost phone and lost recovery codes need no admin: a manager resets it in the
    console; an agent cannot (404), nor reset their own there."""
    member = personas.agent
    client = signed_in_with_password(member.user.username)
    enrol(client)
    manager = staff_actions.create_staff_member(
        "p-kierownik2",
        full_name="Kamil Kierownik",
        email="k2@v.example",
        password=PASSWORD,
        roles=("manager",),
    )
    console = Client()
    verified_login(console, manager.user)
    page = console.get("/console/lockouts/").content.decode()
    assert str(member) in page
    url = f"/console/lockouts/two-factor/{member.pk}/reset"
    colleague = Client()
    colleague.force_login(personas.account_manager.user)
    assert colleague.post(url).status_code == 404
    assert TOTPDevice.objects.filter(user=member.user, confirmed=True).exists()
    assert console.post(url).status_code == 302
    assert not TOTPDevice.objects.filter(user=member.user).exists()
    assert not StaticToken.objects.filter(device__user=member.user).exists()
    event = events_for(member).get(kind="staff.totp_reset")
    assert event.actor == manager.user
    # A manager's own device is not reset from here.
    with pytest.raises(staff_actions.TwoFactorError):
        staff_actions.reset_two_factor(manager, by=manager)
    assert console.post("/console/lockouts/two-factor/999999/reset").status_code == 404
