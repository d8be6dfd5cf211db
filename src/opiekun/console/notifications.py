"""The agent's inbox (issue 15, item 8): the bell, the list, marking read, the choice of
kinds, and the staff names a note's ``@`` offers."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from opiekun.console.guards import staff_only
from opiekun.notifications import access, actions, mentions, preferences, texts
from opiekun.notifications.models import Kind
from opiekun.staff.access import staff_for

PAGE_SIZE = 25
MAX_QUERY = 150


def _back(request: HttpRequest) -> HttpResponse:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("console:notifications")


@staff_only
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    page = Paginator(access.inbox(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [(n, texts.headline(n)) for n in page.object_list]
    return render(
        request,
        "console/notifications.html",
        {"page": page, "rows": rows, "unread": access.unread_count(request.user)},
    )


@staff_only
@require_GET
def bell(request: HttpRequest) -> HttpResponse:
    """The bell alone, which the navigation polls so the count stays current."""
    return render(
        request,
        "console/_bell.html",
        {"show": True, "unread": access.unread_count(request.user)},
    )


@staff_only
@require_POST
def read(request: HttpRequest, notification_id: int) -> HttpResponse:
    notification = access.notification_for(request.user, notification_id)
    actions.mark_read(staff_for(request.user), notification, actor=request.user)
    if request.POST.get("open"):
        return redirect("console:ticket", ticket_id=notification.ticket_id)
    return _back(request)


@staff_only
@require_POST
def read_all(request: HttpRequest) -> HttpResponse:
    count = actions.mark_all_read(staff_for(request.user), actor=request.user)
    messages.success(request, _("Notifications marked read: %(count)d.") % {"count": count})
    return _back(request)


@staff_only
@require_http_methods(["GET", "POST"])
def settings_page(request: HttpRequest) -> HttpResponse:
    staff = staff_for(request.user)
    if request.method == "POST":
        chosen = {
            kind: preferences.Choice(
                in_app=f"in_app_{kind}" in request.POST,
                by_email=f"by_email_{kind}" in request.POST,
            )
            for kind in Kind.values
        }
        actions.set_preferences(staff, chosen, actor=request.user)
        messages.success(request, _("Your notification settings were saved."))
        return redirect("console:notification-settings")
    table = preferences.table(staff.pk)
    rows = [
        (kind, label, table[kind], kind in preferences.EMAILED_ELSEWHERE)
        for kind, label in Kind.choices
    ]
    return render(
        request,
        "console/notification_settings.html",
        {"rows": rows, "has_email": bool(staff.user.email)},
    )


@staff_only
@require_GET
def mention_names(request: HttpRequest) -> JsonResponse:
    """Staff usernames and names for the note box's ``@``: JSON, staff only."""
    prefix = request.GET.get("q", "")[:MAX_QUERY].replace("\x00", "")
    return JsonResponse({"staff": mentions.completions(prefix)})
