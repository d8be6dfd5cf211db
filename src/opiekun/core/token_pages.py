"""The "API tokens" page that the console (staff) and the portal (contacts) share
(gap 1): each person creates, lists and revokes their own tokens. The new token is in
the answer to the POST that made it, never in a message, the session or a later page."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from opiekun.core import tokens
from opiekun.core.bounds import OutOfBounds


class TokenForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=tokens.NAME_MAX)
    valid_through = forms.DateField(
        label=gettext_lazy("valid through"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=gettext_lazy("Empty: never expires."),
    )

    def clean_valid_through(self) -> Any:
        day = self.cleaned_data.get("valid_through")
        if day is not None and day < timezone.localdate():
            raise forms.ValidationError(_("The day has passed."))
        return day


def page(request: HttpRequest, template: str, revoke_url: str) -> HttpResponse:
    """GET lists; POST creates and shows the token once. The caller checked the role."""
    form = TokenForm(request.POST if request.method == "POST" else None)
    context: dict[str, Any] = {"form": form, "revoke_url": revoke_url}
    if request.method == "POST" and form.is_valid():
        day = form.cleaned_data["valid_through"]
        try:
            token, plain = tokens.create_token(
                request.user,  # type: ignore[arg-type]
                form.cleaned_data["name"],
                expires_at=tokens.end_of_day(day) if day else None,
                actor=request.user,
            )
        except OutOfBounds as exc:
            form.add_error(None, str(exc).partition(": ")[2])
        else:
            context.update(created=token, plain=plain, form=TokenForm())
    context["tokens"] = tokens.tokens_of(request.user)
    response = render(request, template, context)
    # The one answer that holds a token: no cache, no back-button copy.
    response["Cache-Control"] = "no-store"
    return response


def revoke(request: HttpRequest, token_id: int, back: str) -> HttpResponse:
    tokens.revoke_token(request.user, token_id, actor=request.user)
    messages.success(request, _("The token was revoked; it no longer works."))
    return redirect(back)
