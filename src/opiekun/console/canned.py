"""Canned responses: every agent sees the list; support managers write, change and
delete them (a vendor's shared wording is a manager's decision, as its plans are)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from opiekun.catalog.models import Vendor
from opiekun.console.guards import staff_only
from opiekun.core.bounds import validate_text
from opiekun.tickets import access, actions, canned
from opiekun.tickets.models import CannedResponse


class CannedForm(forms.Form):
    vendor = forms.ModelChoiceField(
        label=gettext_lazy("Vendor"),
        required=False,
        queryset=Vendor.objects.all(),
        empty_label=gettext_lazy("Every vendor"),
    )
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200, validators=[validate_text])
    body_pl = forms.CharField(
        label=gettext_lazy("Text in Polish"), widget=forms.Textarea, validators=[validate_text]
    )
    body_en = forms.CharField(
        label=gettext_lazy("Text in English"), widget=forms.Textarea, validators=[validate_text]
    )


def _is_manager(request: HttpRequest) -> bool:
    return bool(request.user.staff_member.is_manager)  # type: ignore[union-attr]


@require_GET
@staff_only
def responses(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "console/canned_list.html",
        {
            "responses": access.responses_for(request.user),
            "may_manage": _is_manager(request),
            "placeholders": canned.placeholder_list(),
        },
    )


def _edit(request: HttpRequest, response: CannedResponse | None) -> HttpResponse:
    initial = {}
    if response is not None:
        initial = {
            "vendor": response.vendor,
            "title": response.title,
            "body_pl": response.body_pl,
            "body_en": response.body_en,
        }
    form = CannedForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            actions.save_response(response, **form.cleaned_data, actor=request.user)
        except actions.IntakeError as error:
            field, _sep, why = str(error).partition(": ")
            form.add_error(field if field in form.fields else None, why or str(error))
        else:
            messages.success(request, _("The canned response was saved."))
            return redirect("console:canned")
    return render(
        request,
        "console/canned_form.html",
        {
            "form": form,
            "response": response,
            "placeholders": canned.placeholder_list(),
        },
    )


@require_http_methods(["GET", "POST"])
@staff_only
def new_response(request: HttpRequest) -> HttpResponse:
    if not _is_manager(request):
        raise Http404("No such page")
    return _edit(request, None)


@require_http_methods(["GET", "POST"])
@staff_only
def edit_response(request: HttpRequest, response_id: int) -> HttpResponse:
    return _edit(request, access.response_for(request.user, response_id, manage=True))


@require_POST
@staff_only
def delete_response(request: HttpRequest, response_id: int) -> HttpResponse:
    response = access.response_for(request.user, response_id, manage=True)
    actions.delete_response(response, actor=request.user)
    messages.success(request, _("The canned response was deleted."))
    return redirect("console:canned")
