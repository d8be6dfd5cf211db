"""Sign-in security in the console (not only the admin): a staff member sets up and
manages their own two-factor sign-in and recovery codes; a support manager sees who is
locked out of signing in and unlocks them (audited)."""

from __future__ import annotations

import base64
from typing import Any

import segno
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from opiekun.console.guards import staff_only
from opiekun.core import actions as core_actions
from opiekun.core import signin, twofactor
from opiekun.staff import actions
from opiekun.staff.models import StaffMember


def _refusal(exc: actions.TwoFactorError) -> str:
    field = str(exc).partition(":")[0]
    return {
        "code": _("That code is not valid. Type the code your app shows now."),
        "totp": _("Two-factor sign-in cannot be changed that way now."),
        "codes": _("Turn on two-factor sign-in first."),
    }.get(field, _("That change was refused."))


def _setup_context(device: TOTPDevice) -> dict[str, Any]:
    uri = device.config_url
    return {
        "setup": device,
        "secret": base64.b32encode(device.bin_key).decode(),
        "otpauth": uri,
        # Inline SVG with presentation attributes only: no script, no style, CSP-clean.
        "qr_svg": segno.make(uri, error="m").svg_inline(scale=4, light="#fff"),
    }


@require_http_methods(["GET", "POST"])
@staff_only
def security(request: HttpRequest) -> HttpResponse:
    member: StaffMember = request.user.staff_member  # type: ignore[union-attr]
    context: dict[str, Any] = {}
    if request.method == "POST":
        step = request.POST.get("step", "")
        try:
            if step == "start":
                context.update(_setup_context(actions.begin_totp(member, actor=request.user)))
            elif step == "confirm":
                device, codes = actions.confirm_totp(
                    member, request.POST.get("code", ""), actor=request.user
                )
                otp_login(request, device)  # this session has just proved the code
                context["codes"] = codes
                messages.success(request, _("Two-factor sign-in is on."))
            elif step == "renew":
                context["codes"] = actions.renew_recovery_codes(member, actor=request.user)
            elif step == "off":
                actions.turn_off_two_factor(member, actor=request.user)
                messages.success(request, _("Two-factor sign-in is off."))
                return redirect("console:security")
        except actions.TwoFactorError as exc:
            messages.error(request, _refusal(exc))
            pending_device = TOTPDevice.objects.filter(user=member.user, confirmed=False).first()
            if step == "confirm" and pending_device is not None:
                context.update(_setup_context(pending_device))
    enabled = TOTPDevice.objects.filter(user=member.user, confirmed=True).exists()
    context.update(
        {
            "enabled": enabled,
            "codes_left": actions.recovery_codes_left(member),
            "must_enrol": twofactor.must_enrol(request.user),
            "next": request.GET.get("next", ""),
        }
    )
    return render(request, "console/security.html", context)


def _manager(request: HttpRequest) -> StaffMember:
    member: StaffMember = request.user.staff_member  # type: ignore[union-attr]
    if not member.is_manager:
        raise Http404("No such page")
    return member


@require_http_methods(["GET"])
@staff_only
def lockouts(request: HttpRequest) -> HttpResponse:
    _manager(request)
    return render(
        request,
        "console/lockouts.html",
        {"lockouts": signin.current_lockouts(), "two_factor": actions.with_two_factor()},
    )


@require_POST
@staff_only
def unlock(request: HttpRequest) -> HttpResponse:
    _manager(request)
    kind, value = request.POST.get("kind", ""), request.POST.get("value", "")
    if kind in {"username", "address"} and value:
        core_actions.unlock_sign_in(kind, value, actor=request.user)
        messages.success(request, _("Unlocked: %(value)s") % {"value": value})
    return redirect("console:lockouts")


@require_POST
@staff_only
def reset_two_factor(request: HttpRequest, member_id: int) -> HttpResponse:
    manager = _manager(request)
    member = StaffMember.objects.filter(pk=member_id).first()
    if member is None:
        raise Http404("No such page")
    try:
        actions.reset_two_factor(member, by=manager, actor=request.user)
    except actions.TwoFactorError as exc:
        messages.error(request, _refusal(exc))
    else:
        messages.success(
            request,
            _("Two-factor sign-in of %(name)s was reset; they set it up again at sign-in.")
            % {"name": str(member)},
        )
    return redirect("console:lockouts")
