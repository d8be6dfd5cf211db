"""What an agent does from the queue: one change for the ticked tickets (assign, tag,
status) and saving or deleting a view. Each posts, calls the action and returns to the
queue as it was (filters and page)."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import parse_qsl, urlencode

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from opiekun.console.guards import staff_only
from opiekun.core import bounds
from opiekun.staff.models import StaffMember
from opiekun.tickets import access, actions
from opiekun.tickets.actions.bulk import MAX_BULK
from opiekun.tickets.models import Ticket

STATUS_ACTIONS: dict[str, Callable[..., Ticket]] = {
    "start": actions.start_work,
    "wait": actions.wait_for_customer,
    "resolve": actions.resolve,
    "close": actions.close,
    "reopen": actions.reopen,
}


def _back(request: HttpRequest, query: str | None = None) -> HttpResponse:
    query = request.POST.get("next", "") if query is None else query
    kept = urlencode([(k, v) for k, v in parse_qsl(query)[:20] if k != "page" or v.isdigit()])
    return HttpResponseRedirect(reverse("console:queue") + (f"?{kept}" if kept else ""))


def _chosen(request: HttpRequest) -> list[Ticket]:
    """The ticked tickets the agent may see, in the order ticked; any other id is a 404."""
    ids = request.POST.getlist("tickets")[: MAX_BULK + 1]
    wanted = [_number("tickets", i) for i in ids]
    found = {t.pk: t for t in access.visible_tickets(request.user).filter(pk__in=wanted)}
    return [access.ticket_for(request.user, pk) if pk not in found else found[pk] for pk in wanted]


def _number(field: str, text: str) -> int:
    try:
        value = int(text) if text.isascii() else 0
    except ValueError:
        value = 0
    return bounds.whole(field, value, minimum=1, maximum=bounds.MAX_ID, error=actions.IntakeError)


def _bulk(request: HttpRequest, change: Callable[[Ticket], object]) -> HttpResponse:
    try:
        count = actions.for_each(_chosen(request), change)
    except actions.IntakeError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("%(count)s tickets changed.") % {"count": count})
    return _back(request)


@require_POST
@staff_only
def bulk_assign(request: HttpRequest) -> HttpResponse:
    try:
        number = _number("assignee", request.POST.get("assignee", ""))
    except actions.IntakeError:
        number = 0
    assignee = StaffMember.objects.filter(pk=number, is_active=True).first()
    if assignee is None:
        messages.error(request, "assignee: " + _("choose a colleague"))
        return _back(request)
    return _bulk(request, lambda t: actions.assign(t, assignee, actor=request.user))


@require_POST
@staff_only
def bulk_tag(request: HttpRequest) -> HttpResponse:
    names = [request.POST.get("tag", "")]
    if not names[0].strip():
        messages.error(request, "tag: " + _("choose a tag"))
        return _back(request)
    return _bulk(request, lambda t: actions.add_tags(t, names, actor=request.user))


@require_POST
@staff_only
def bulk_status(request: HttpRequest) -> HttpResponse:
    change = STATUS_ACTIONS.get(request.POST.get("status", ""))
    if change is None:
        messages.error(request, "status: " + _("choose a status"))
        return _back(request)
    return _bulk(request, lambda t: change(t, actor=request.user))


@require_POST
@staff_only
def save_view(request: HttpRequest) -> HttpResponse:
    query = request.POST.get("query", "")
    filters = dict(parse_qsl(query[:2000]))
    staff = request.user.staff_member  # type: ignore[union-attr]
    try:
        saved = actions.save_view(staff, request.POST.get("name", ""), filters, actor=request.user)
    except actions.IntakeError as error:
        messages.error(request, str(error))
        return _back(request, query)
    messages.success(request, _("The view %(name)s was saved.") % {"name": saved.name})
    return _back(request, urlencode(saved.filters))


@require_POST
@staff_only
def delete_view(request: HttpRequest, view_id: int) -> HttpResponse:
    view = access.saved_view_for(request.user, view_id)
    actions.delete_view(view, actor=request.user)
    messages.success(request, _("The view %(name)s was deleted.") % {"name": view.name})
    return _back(request, "")
