"""Forms of the contacts' management, shared by the console and the portal (which may
not import each other): inviting a person and changing a colleague's roles."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from opiekun.core import bounds
from opiekun.customers.models import Contact, ContactEmail


class InviteForm(forms.Form):
    full_name = forms.CharField(
        label=_("Full name"),
        max_length=bounds.column_length(Contact, "full_name"),
        validators=[bounds.validate_text],
    )
    email = forms.EmailField(
        label=_("E-mail"), max_length=bounds.column_length(ContactEmail, "address")
    )
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES, initial="pl")


class RolesForm(forms.Form):
    """A colleague's roles (R-PPL-2); an unticked box is a "no"."""

    is_active = forms.BooleanField(label=_("active"), required=False)
    is_authorised = forms.BooleanField(label=_("may open tickets"), required=False)
    is_single_point_of_contact = forms.BooleanField(
        label=_("may use the hour package"), required=False
    )
    is_organisation_admin = forms.BooleanField(label=_("administrator"), required=False)
