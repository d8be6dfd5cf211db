"""State changes of vendor staff."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from opiekun.core import audit
from opiekun.core.audit import Actor
from opiekun.customers.validators import normalise_phone
from opiekun.staff.models import StaffMember

ROLES = ("agent", "account_manager", "on_call", "manager")


def create_staff_member(
    username: str,
    *,
    full_name: str,
    email: str,
    password: str | None,
    roles: tuple[str, ...] = ("agent",),
    mobile_phone: str = "",
    actor: Actor = None,
) -> StaffMember:
    """A vendor person with a login and the given roles. Managers get the admin."""
    unknown = set(roles) - set(ROLES)
    if unknown:
        raise ValueError(f"unknown role(s) {sorted(unknown)}; roles are {', '.join(ROLES)}")
    first, _, last = full_name.partition(" ")
    with transaction.atomic():
        user = get_user_model().objects.create_user(
            username=username,
            email=email,
            password=password,
            first_name=first,
            last_name=last,
            is_staff=True,
            is_superuser="manager" in roles,
        )
        member = StaffMember.objects.create(
            user=user,
            is_agent="agent" in roles,
            is_account_manager="account_manager" in roles,
            is_on_call="on_call" in roles,
            is_manager="manager" in roles,
            mobile_phone=normalise_phone(mobile_phone) if mobile_phone else "",
        )
        audit.record("staff.created", member, actor=actor, roles=list(roles))
    return member


def calendar_feed_token(member: StaffMember, *, renew: bool = False, actor: Actor = None) -> str:
    """The secret of the person's iCal feed of appointments; renewing it cuts off every
    calendar that had the old address."""
    if member.calendar_token and not renew:
        return member.calendar_token
    with transaction.atomic():
        member = StaffMember.objects.select_for_update().get(pk=member.pk)
        member.calendar_token = secrets.token_urlsafe(32)
        member.save(update_fields=["calendar_token", "updated_at"])
        audit.record("staff.calendar_token_issued", member, actor=actor, renewed=renew)
    return member.calendar_token


# Two-factor sign-in (django-otp): one TOTP device per person, and one set of recovery
# codes (a static device) made when the TOTP device is confirmed. Recovery codes are
# shown once, when made; django-otp keeps them to compare, and each works once.
RECOVERY_CODES = 10


class TwoFactorError(ValueError):
    """A two-factor change is refused; the message says why."""


def begin_totp(member: StaffMember, *, actor: Actor = None) -> TOTPDevice:
    """A new, unconfirmed TOTP device (its secret goes into the authenticator app).
    Replaces an earlier unconfirmed one; a confirmed one must be turned off first."""
    with transaction.atomic():
        StaffMember.objects.select_for_update().filter(pk=member.pk).first()
        if TOTPDevice.objects.filter(user=member.user, confirmed=True).exists():
            raise TwoFactorError("totp: two-factor sign-in is already on")
        TOTPDevice.objects.filter(user=member.user, confirmed=False).delete()
        device = TOTPDevice.objects.create(user=member.user, name="authenticator", confirmed=False)
        audit.record("staff.totp_started", member, actor=actor or member.user)
    return device


def confirm_totp(
    member: StaffMember, code: str, *, actor: Actor = None
) -> tuple[TOTPDevice, list[str]]:
    """Turns the device on when ``code`` is the app's current one; returns it and a new
    set of recovery codes."""
    with transaction.atomic():
        StaffMember.objects.select_for_update().filter(pk=member.pk).first()
        device = TOTPDevice.objects.filter(user=member.user, confirmed=False).first()
        if device is None:
            raise TwoFactorError("code: start the set-up again")
        if not device.verify_token("".join(code.split())):
            raise TwoFactorError("code: that is not the app's current code")
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        codes = _new_recovery_codes(member)
        audit.record("staff.totp_enabled", member, actor=actor or member.user)
    return device, codes


def renew_recovery_codes(member: StaffMember, *, actor: Actor = None) -> list[str]:
    """A fresh set of recovery codes; the old ones stop working."""
    with transaction.atomic():
        StaffMember.objects.select_for_update().filter(pk=member.pk).first()
        if not TOTPDevice.objects.filter(user=member.user, confirmed=True).exists():
            raise TwoFactorError("codes: turn on two-factor sign-in first")
        codes = _new_recovery_codes(member)
        audit.record("staff.recovery_codes_renewed", member, actor=actor or member.user)
    return codes


def _new_recovery_codes(member: StaffMember) -> list[str]:
    device, _ = StaticDevice.objects.get_or_create(
        user=member.user, name="recovery codes", defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=c) for c in codes)
    return codes


def turn_off_two_factor(member: StaffMember, *, actor: Actor = None) -> None:
    """Removes the person's TOTP device and recovery codes. A manager cannot, while
    OTP_REQUIRED_FOR_MANAGERS is on."""
    if member.is_manager and settings.OTP_REQUIRED_FOR_MANAGERS:
        raise TwoFactorError("totp: managers must keep two-factor sign-in")
    with transaction.atomic():
        _remove_devices(member)
        audit.record("staff.totp_disabled", member, actor=actor or member.user)


def reset_two_factor(member: StaffMember, *, by: StaffMember, actor: Actor = None) -> None:
    """A manager removes a colleague's device and recovery codes (a lost phone): the
    colleague signs in with the password and sets two-factor up again, as a manager must
    at once. A manager's own device is changed on their own security page, not here."""
    if not by.is_manager:
        raise TwoFactorError("totp: only a support manager resets another person's device")
    if by.pk == member.pk:
        raise TwoFactorError("totp: change your own two-factor sign-in on your security page")
    with transaction.atomic():
        removed = _remove_devices(member)
        audit.record("staff.totp_reset", member, actor=actor or by.user, by=by.pk, removed=removed)


def _remove_devices(member: StaffMember) -> int:
    """Locks the person and removes their TOTP devices and recovery codes; how many
    TOTP devices went."""
    StaffMember.objects.select_for_update().filter(pk=member.pk).first()
    StaticDevice.objects.filter(user=member.user).delete()
    return TOTPDevice.objects.filter(user=member.user).delete()[0]


def with_two_factor() -> list[StaffMember]:
    """Staff whose sign-in asks for a code, for the manager's list."""
    return list(
        StaffMember.objects.filter(user__totpdevice__confirmed=True)
        .select_related("user")
        .distinct()
        .order_by("user__last_name", "user__first_name", "user__username")
    )


def recovery_codes_left(member: StaffMember) -> int:
    return StaticToken.objects.filter(device__user=member.user, device__confirmed=True).count()
