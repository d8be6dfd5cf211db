"""A contact's customer notifications in the portal (issue 16, item 2): which kinds they
receive, and the one-click unsubscribe from an e-mail's signed link, which works without
signing in (a GET shows the question, the POST does it, so a mail scanner that follows
links unsubscribes nobody)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from opiekun.customers.models import Contact
from opiekun.notifications import customer_actions, customer_links, customer_preferences
from opiekun.notifications.customer_kinds import CustomerKind
from opiekun.portal.guards import contacts_only


@require_http_methods(["GET", "POST"])
@contacts_only
def preferences(request: HttpRequest, contact: Contact) -> HttpResponse:
    if request.method == "POST":
        chosen = {kind: kind in request.POST.getlist("kinds") for kind in CustomerKind.values}
        customer_actions.set_choices(contact, chosen, actor=request.user)
        messages.success(request, _("Your notification choices are saved."))
        return redirect("portal:notifications")
    table = customer_preferences.table(contact.pk)
    rows = [(kind, label, table[kind]) for kind, label in CustomerKind.choices]
    return render(request, "portal/notifications.html", {"rows": rows})


def _unsubscribing(token: str) -> tuple[Contact, str]:
    found = customer_links.read_unsubscribe_token(token)
    if found is None or found[1] not in CustomerKind.values:
        raise Http404("No such link")
    contact = Contact.objects.filter(pk=found[0], is_active=True).first()
    if contact is None:
        raise Http404("No such link")
    return contact, found[1]


# The signed token is the credential: the link is opened from a mail client, with no
# session and no CSRF cookie (RFC 8058's one-click POST carries neither).
@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    contact, kind = _unsubscribing(token)
    done = False
    if request.method == "POST":
        customer_actions.unsubscribe(contact, kind)
        done = True
    return render(
        request,
        "portal/unsubscribe.html",
        {"kind_label": CustomerKind(kind).label, "done": done, "contact": contact},
    )
