"""Inviting a customer's contacts from the customer card (issue 16): a support manager
or the organisation's account manager sends a link to set a password; anyone else gets
404."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from opiekun.console.guards import staff_only
from opiekun.core.forms import sentence
from opiekun.customers import actions
from opiekun.customers.access import managed_contact_for, managed_organisation_for
from opiekun.customers.forms import InviteForm
from opiekun.lifecycle import actions as erasure
from opiekun.lifecycle.access import contact_to_erase_for


def site_of(request: HttpRequest) -> str:
    """Where the invitation link points: the address this page was asked at."""
    return request.build_absolute_uri("/")


@require_POST
@staff_only
def invite(request: HttpRequest, organisation_id: int) -> HttpResponse:
    organisation = managed_organisation_for(request.user, organisation_id)
    form = InviteForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return redirect("console:customer", organisation.pk)
    try:
        contact = actions.invite_contact(
            organisation,
            form.cleaned_data["full_name"],
            form.cleaned_data["email"],
            language=form.cleaned_data["language"],
            site=site_of(request),
            actor=request.user,
        )
    except actions.ContactError as refused:
        messages.error(request, sentence(refused))
    else:
        messages.success(request, _("%(name)s was invited by e-mail.") % {"name": contact})
    return redirect("console:customer", organisation.pk)


@require_POST
@staff_only
def resend(request: HttpRequest, organisation_id: int, contact_id: int) -> HttpResponse:
    contact = managed_contact_for(request.user, contact_id)
    if contact.organisation_id != organisation_id:
        raise Http404("No such contact")
    try:
        actions.send_invitation(contact, site=site_of(request), actor=request.user)
    except actions.ContactError as refused:
        messages.error(request, sentence(refused))
    else:
        messages.success(request, _("%(name)s was invited by e-mail.") % {"name": contact})
    return redirect("console:customer", organisation_id)


@require_POST
@staff_only
def anonymise(request: HttpRequest, organisation_id: int, contact_id: int) -> HttpResponse:
    """A support manager erases a contact on request (GDPR art. 17; ADR 0027), after
    ticking the confirmation: it cannot be undone."""
    contact = contact_to_erase_for(request.user, contact_id)
    if contact.organisation_id != organisation_id:
        raise Http404("No such contact")
    if request.POST.get("confirm") != "yes":
        messages.error(request, _("Tick the box to confirm the anonymisation."))
        return redirect("console:customer", organisation_id)
    try:
        erasure.anonymise_contact(contact, actor=request.user)
    except erasure.ErasureError as refused:
        messages.error(request, sentence(refused))
    else:
        messages.success(request, _("The contact was anonymised."))
    return redirect("console:customer", organisation_id)
