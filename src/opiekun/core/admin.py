import datetime as dt

from django import forms
from django.contrib import admin, messages
from django.forms import ModelForm
from django.http import HttpRequest
from django.utils import timezone
from django.utils.timezone import get_current_timezone
from django.utils.translation import gettext_lazy as _

from opiekun.core import tokens
from opiekun.core.models import ApiToken, AuditEvent, PeriodicRun, WorkerHeartbeat


class ReadOnlyAdmin(admin.ModelAdmin):
    """For append-only records: they are read, filtered and searched, never edited."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ["at", "kind", "subject_type", "subject_id", "actor", "organisation"]
    list_filter = ["kind", "subject_type", "at"]
    search_fields = ["kind", "subject_id", "actor__username", "organisation__name"]
    date_hierarchy = "at"
    list_select_related = ["actor", "organisation"]


@admin.register(WorkerHeartbeat)
class WorkerHeartbeatAdmin(ReadOnlyAdmin):
    list_display = ["name", "seen_at"]


@admin.register(PeriodicRun)
class PeriodicRunAdmin(ReadOnlyAdmin):
    list_display = ["job", "started_at", "finished_at", "handled"]
    list_filter = ["job"]
    date_hierarchy = "started_at"


class ApiTokenForm(forms.ModelForm):
    # A day is what a person sets; the token works through that day in the desk's zone.
    expires_at = forms.DateField(
        label=_("valid through"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Empty: never expires."),
    )

    class Meta:
        model = ApiToken
        fields = ["user", "name", "expires_at"]

    def clean_expires_at(self) -> dt.datetime | None:
        day: dt.date | None = self.cleaned_data.get("expires_at")
        if day is None:
            return None
        end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), get_current_timezone())
        if end <= timezone.now():
            raise forms.ValidationError(_("The day has passed."))
        return end


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens for integrations. The token is shown once, when it is created."""

    list_display = [
        "name",
        "user",
        "prefix",
        "created_at",
        "last_used_at",
        "expires_at",
        "revoked_at",
    ]
    list_filter = ["revoked_at"]
    search_fields = ["name", "user__username", "prefix"]
    autocomplete_fields = ["user"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = ApiTokenForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["user", "name", "expires_at"]
        return ["user", "name", "expires_at", "revoked_at"]

    def get_readonly_fields(self, request: HttpRequest, obj: object = None) -> list[str]:
        return [] if obj is None else ["user", "name", "expires_at"]

    def save_model(
        self, request: HttpRequest, obj: ApiToken, form: ModelForm, change: bool
    ) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        token, plain = tokens.create_token(
            obj.user, obj.name, expires_at=obj.expires_at, actor=request.user
        )
        obj.pk = token.pk
        obj.prefix, obj.digest, obj.created_at = token.prefix, token.digest, token.created_at
        messages.warning(request, f"The token, shown this once: {plain}")
