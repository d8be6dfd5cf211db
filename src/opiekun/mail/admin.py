from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from opiekun.mail import actions
from opiekun.mail.models import InboundMail, Mailbox


def _secret(label: Any) -> forms.CharField:
    # Never rendered back into the page (view-source, a shoulder, a cached page): on a
    # change, an empty field keeps the stored secret.
    return forms.CharField(
        label=label,
        widget=forms.PasswordInput(render_value=False),
        max_length=4000,
        required=False,
        help_text=_("Stored encrypted. Leave empty to keep the current value."),
    )


class MailboxForm(forms.ModelForm):
    password = _secret(_("password"))
    sign_in = forms.ChoiceField(
        label=_("sign in with"), choices=Mailbox.SignIn.choices, required=False
    )
    oauth2_token_url = forms.URLField(
        label=_("OAuth2 token URL"), max_length=500, required=False, assume_scheme="https"
    )
    oauth2_client_secret = _secret(_("OAuth2 client secret"))
    oauth2_refresh_token = _secret(_("OAuth2 refresh token"))

    class Meta:
        model = Mailbox
        fields = [
            "name",
            "address",
            "kind",
            "host",
            "port",
            "security",
            "username",
            "sign_in",
            "password",
            "oauth2_token_url",
            "oauth2_client_id",
            "oauth2_client_secret",
            "oauth2_refresh_token",
            "oauth2_scope",
            "folder",
            "done_folder",
            "products",
            "plans",
            "poll_minutes",
            "is_active",
        ]

    def _kept(self, name: str) -> str:
        given: str = self.cleaned_data.get(name, "")
        return given or (str(getattr(self.instance, name)) if self.instance.pk else "")

    def clean_sign_in(self) -> str:
        # Forms written before OAuth2 existed (scripts posting to the admin) sign in with
        # the password, as they always did.
        return str(self.cleaned_data.get("sign_in") or Mailbox.SignIn.PASSWORD)

    def clean_password(self) -> str:
        return self._kept("password")

    def clean_oauth2_client_secret(self) -> str:
        return self._kept("oauth2_client_secret")

    def clean_oauth2_refresh_token(self) -> str:
        return self._kept("oauth2_refresh_token")

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if data.get("sign_in") == Mailbox.SignIn.OAUTH2:
            for name in ("oauth2_token_url", "oauth2_client_id"):
                if not data.get(name):
                    self.add_error(name, _("OAuth2 sign-in needs this."))
        elif not data.get("password"):
            self.add_error("password", _("A new mailbox needs its password."))
        oauth2_fields = ("oauth2_token_url", "oauth2_client_id", "oauth2_scope")
        if any(name in self.changed_data for name in oauth2_fields) or data.get(
            "oauth2_refresh_token"
        ) != getattr(self.instance, "oauth2_refresh_token", ""):
            self.instance.oauth2_access_token = ""  # fetched again with the new settings
        return data


@admin.register(Mailbox)
class MailboxAdmin(admin.ModelAdmin):
    form = MailboxForm
    list_display = ["name", "address", "kind", "poll_minutes", "last_polled_at", "last_error"]
    list_filter = ["kind", "is_active"]
    filter_horizontal = ["products", "plans"]
    readonly_fields = ["last_polled_at", "last_error", "last_error_at", "lease_until"]


@admin.register(InboundMail)
class InboundMailAdmin(admin.ModelAdmin):
    """The quarantine, triage and bounce lists: a manager retries or discards."""

    list_display = ["received_at", "mailbox", "sender", "subject", "state", "reason", "ticket"]
    list_filter = ["state", "mailbox"]
    search_fields = ["sender", "subject", "dedupe_key"]
    exclude = ["raw"]
    actions = ["retry_selected"]

    def get_readonly_fields(
        self, request: HttpRequest, obj: InboundMail | None = None
    ) -> list[str]:
        return [f.name for f in InboundMail._meta.fields if f.name != "raw"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: InboundMail | None = None) -> bool:
        return False

    @admin.action(description=_("Process the selected messages again"))
    def retry_selected(self, request: HttpRequest, queryset: QuerySet[InboundMail]) -> None:
        done = 0
        for inbound in queryset.filter(
            state__in=[InboundMail.State.QUARANTINED, InboundMail.State.TRIAGE]
        ):
            outcome = actions.retry(inbound, actor=request.user)
            done += outcome.state == InboundMail.State.INGESTED
        messages.info(request, _("%(done)d message(s) went onto tickets.") % {"done": done})
