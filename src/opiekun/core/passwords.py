"""Password reset by e-mail, for contacts and staff alike: Django's views with the
project's templates. The mail is in the language of the page it was asked from.

Asking is limited per address (a mail bomb through our server is not free), and a
completed reset lifts a sign-in lockout of that user name: whoever reads the mailbox
has proved more than a password would."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import views as auth_views
from django.core.cache import cache
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse_lazy

from opiekun.core import audit
from opiekun.core.clients import client_address
from opiekun.core.invitations import invitation_tokens

# Reset mails asked from one address in an hour.
REQUESTS_PER_HOUR = 5


class ResetRequest(auth_views.PasswordResetView):
    template_name = "registration/reset_form.html"
    email_template_name = "registration/reset_email.txt"
    subject_template_name = "registration/reset_subject.txt"
    success_url = reverse_lazy("password_reset_done")

    def form_valid(self, form: Any) -> HttpResponse:
        key = f"password-reset-{client_address(self.request)}"
        cache.add(key, 0, timeout=3600)
        if cache.incr(key) > REQUESTS_PER_HOUR:
            response = render(self.request, "registration/reset_throttled.html", status=429)
            response["Retry-After"] = "3600"
            return response
        return super().form_valid(form)


class ResetSent(auth_views.PasswordResetDoneView):
    template_name = "registration/reset_sent.html"


class ResetConfirm(auth_views.PasswordResetConfirmView):
    template_name = "registration/reset_confirm.html"
    success_url = reverse_lazy("password_reset_complete")

    def form_valid(self, form: Any) -> HttpResponse:
        from axes.utils import reset

        response = super().form_valid(form)
        user = form.user
        reset(username=user.get_username())
        audit.record("sign_in.password_reset", user, actor=user)
        return response


class ResetDone(auth_views.PasswordResetCompleteView):
    template_name = "registration/reset_done.html"


class InvitationConfirm(ResetConfirm):
    """The invited contact's first password: the reset page's form, a welcome of its own
    and the invitation's token (72 hours, once)."""

    template_name = "registration/invitation_confirm.html"
    token_generator = invitation_tokens
    reset_url_token = "set-password"  # noqa: S105 - the URL segment, not a secret
