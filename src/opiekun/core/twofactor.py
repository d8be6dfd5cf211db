"""Two-factor sign-in for staff (django-otp): after the password, a staff member with a
TOTP device gives a code (or a recovery code) before anything else opens; a manager
must have a device when OTP_REQUIRED_FOR_MANAGERS is on, and is sent to set one up.

The gate is a middleware, so no view, the admin included, can forget the check. Until
the second step the session is signed in but not verified: only the code page, the
set-up page, the language switch and signing out answer; the API ignores the session
(a bearer token is a credential of its own)."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django_otp import devices_for_user, user_has_device
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice

from opiekun.core import audit
from opiekun.core.access import is_staff_member


def is_verified(user: AbstractBaseUser | AnonymousUser) -> bool:
    check = getattr(user, "is_verified", None)
    return bool(check and check())


def must_enrol(user: AbstractBaseUser | AnonymousUser) -> bool:
    """A manager without a device, where the setting requires one."""
    member = getattr(user, "staff_member", None)
    return bool(settings.OTP_REQUIRED_FOR_MANAGERS and member and member.is_manager)


def pending(user: AbstractBaseUser | AnonymousUser) -> str:
    """What a signed-in user still owes: "verify", "enrol", or "" (nothing)."""
    if not is_staff_member(user) or is_verified(user):
        return ""
    if user_has_device(user, confirmed=True):
        return "verify"
    return "enrol" if must_enrol(user) else ""


class TwoFactorGate:
    """After django_otp's OTPMiddleware: holds a staff session at the second step."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        owed = pending(request.user)
        if not owed:
            return self.get_response(request)
        path = request.path
        always = {reverse("logout"), reverse("switch-language"), reverse("login-verify")}
        if path in always or path.startswith("/" + settings.STATIC_URL.lstrip("/")):
            return self.get_response(request)
        if owed == "enrol" and path.startswith(reverse("console:security")):
            return self.get_response(request)
        if path.startswith("/api/"):
            # The API answers as to a stranger; a bearer token still signs in.
            request.user = AnonymousUser()
            return self.get_response(request)
        target = reverse("login-verify") if owed == "verify" else reverse("console:security")
        return redirect(f"{target}?{urlencode({'next': request.get_full_path()})}")


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("home")


@require_http_methods(["GET", "POST"])
@login_required
def verify(request: HttpRequest) -> HttpResponse:
    """The second step: a code from the authenticator app, or one recovery code."""
    if pending(request.user) != "verify":
        return redirect(_next(request))
    if request.method == "POST":
        code = "".join(request.POST.get("code", "").split())
        # Each device throttles its own failures (django-otp: growing delays).
        with transaction.atomic():
            device = next(
                (
                    d
                    for d in devices_for_user(request.user, for_verify=True)
                    if d.verify_token(code)
                ),
                None,
            )
        if device is not None:
            otp_login(request, device)
            recovery = isinstance(device, StaticDevice)
            audit.record(
                "sign_in.second_factor",
                request.user,  # type: ignore[arg-type]
                actor=request.user,
                method="recovery code" if recovery else "totp",
            )
            if recovery:
                left = device.token_set.count()
                messages.warning(
                    request,
                    _("You signed in with a recovery code; %(left)d left.") % {"left": left},
                )
            return redirect(_next(request))
        audit.record(
            "sign_in.second_factor_failed",
            request.user,  # type: ignore[arg-type]
            actor=request.user,
        )
        messages.error(request, _("That code is not valid. Try the current one."))
    return render(request, "registration/verify.html", {"next": _next(request)})
