from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from opiekun.mail import actions
from opiekun.mail.models import InboundMail, Mailbox


class MailboxForm(forms.ModelForm):
    # Never rendered back into the page (view-source, a shoulder, a cached page): on a
    # change, an empty field keeps the stored password.
    password = forms.CharField(
        label=_("password"),
        widget=forms.PasswordInput(render_value=False),
        max_length=200,
        required=False,
        help_text=_("Stored encrypted. Leave empty to keep the current password."),
    )

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
            "password",
            "folder",
            "done_folder",
            "products",
            "plans",
            "poll_minutes",
            "is_active",
        ]

    def clean_password(self) -> str:
        given: str = self.cleaned_data.get("password", "")
        if given:
            return given
        if self.instance.pk:
            return str(self.instance.password)
        raise forms.ValidationError(_("A new mailbox needs its password."))


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
