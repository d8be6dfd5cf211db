"""An organisation's administrator contact manages its people (issue 16, R-PPL-2):
invites colleagues, says who may open tickets and use the hour package, who else
administers, who has left, and whether colleagues see each other's tickets. A plain
contact, another organisation's and a stranger get 404."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from opiekun.core.forms import sentence
from opiekun.customers import actions
from opiekun.customers.access import managed_contact_for, managed_organisation_for
from opiekun.customers.forms import InviteForm, RolesForm
from opiekun.customers.models import Contact, Organisation
from opiekun.portal.guards import contacts_only


def _organisation(request: HttpRequest, contact: Contact) -> Organisation:
    return managed_organisation_for(request.user, contact.organisation_id)


def _page(
    request: HttpRequest, organisation: Organisation, invite_form: InviteForm | None = None
) -> HttpResponse:
    people = organisation.contacts.prefetch_related("emails").order_by("-is_active", "full_name")
    rows = [
        (person, RolesForm(initial=_roles(person), auto_id=f"id_{person.pk}_%s"))
        for person in people
    ]
    return render(
        request,
        "portal/contacts.html",
        {
            "organisation": organisation,
            "rows": rows,
            "invite_form": invite_form or InviteForm(),
        },
        status=400 if invite_form is not None else 200,
    )


def _roles(person: Contact) -> dict[str, bool]:
    return {name: getattr(person, name) for name in RolesForm.base_fields}


def _refused(request: HttpRequest, refused: actions.ContactError) -> None:
    messages.error(request, sentence(refused))


@require_GET
@contacts_only
def people(request: HttpRequest, contact: Contact) -> HttpResponse:
    return _page(request, _organisation(request, contact))


@require_POST
@contacts_only
def invite(request: HttpRequest, contact: Contact) -> HttpResponse:
    organisation = _organisation(request, contact)
    form = InviteForm(request.POST)
    if not form.is_valid():
        return _page(request, organisation, form)
    try:
        invited = actions.invite_contact(
            organisation,
            form.cleaned_data["full_name"],
            form.cleaned_data["email"],
            language=form.cleaned_data["language"],
            site=request.build_absolute_uri("/"),
            actor=request.user,
        )
    except actions.ContactError as refused:
        field, _sep, text = str(refused).partition(": ")
        form.add_error(field if field in form.fields else None, text)
        return _page(request, organisation, form)
    messages.success(request, _("%(name)s was invited by e-mail.") % {"name": invited.full_name})
    return redirect("portal:contacts")


def _colleague(request: HttpRequest, contact: Contact, contact_id: int) -> Contact:
    colleague = managed_contact_for(request.user, contact_id)
    if colleague.organisation_id != contact.organisation_id:  # staff manage elsewhere
        raise Http404("No such contact")
    return colleague


@require_POST
@contacts_only
def change(request: HttpRequest, contact: Contact, contact_id: int) -> HttpResponse:
    colleague = _colleague(request, contact, contact_id)
    form = RolesForm(request.POST)
    form.is_valid()  # check boxes: every value reads as yes or no
    try:
        actions.change_contact(colleague, **form.cleaned_data, actor=request.user)
    except actions.ContactError as refused:
        _refused(request, refused)
    else:
        messages.success(request, _("The changes were saved."))
    return redirect("portal:contacts")


@require_POST
@contacts_only
def reinvite(request: HttpRequest, contact: Contact, contact_id: int) -> HttpResponse:
    colleague = _colleague(request, contact, contact_id)
    try:
        actions.send_invitation(colleague, site=request.build_absolute_uri("/"), actor=request.user)
    except actions.ContactError as refused:
        _refused(request, refused)
    else:
        messages.success(
            request, _("%(name)s was invited by e-mail.") % {"name": colleague.full_name}
        )
    return redirect("portal:contacts")


@require_POST
@contacts_only
def visibility(request: HttpRequest, contact: Contact) -> HttpResponse:
    organisation = _organisation(request, contact)
    actions.set_ticket_visibility(
        organisation,
        contacts_see_all_tickets=request.POST.get("contacts_see_all_tickets") == "on",
        actor=request.user,
    )
    messages.success(request, _("The changes were saved."))
    return redirect("portal:contacts")
