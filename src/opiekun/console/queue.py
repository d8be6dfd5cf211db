"""The queue page: the views (all, mine, my customers, on call), filters, pages of a fixed
size, the agent's saved views, and the rows alone for htmx's refresh every 20 seconds."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django import forms
from django.db.models import Prefetch, Q, QuerySet
from django.db.models.functions import Lower
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_GET

from opiekun.catalog.choices import Channel, Severity
from opiekun.console.customer_field import offer_only_chosen
from opiekun.console.guards import staff_only
from opiekun.core import counting, keyset
from opiekun.core.bounds import text_problem, validate_text
from opiekun.core.counting import LimitedPaginator, limited_count
from opiekun.customers.access import visible_organisations
from opiekun.customers.models import Organisation
from opiekun.search import query as search
from opiekun.staff.models import StaffMember
from opiekun.tickets import queries
from opiekun.tickets.models import Tag, Ticket

PAGE_SIZE = 50

# The columns a queue row shows (_queue_rows.html, due.html), and the queue order's.
ROW_FIELDS = (
    "reference",
    "subject",
    "severity",
    "channel",
    "status",
    "guaranteed",
    "guarantee_note",
    "reaction_due_at",
    "reacted_at",
    "clock_starts_at",
    "is_open",
    "pinned",
    "queue_priority",
    "queue_due_at",
    "received_at",
    "organisation__name",
    "assignee__user__username",
    "assignee__user__first_name",
    "assignee__user__last_name",
)

VIEWS = {
    "all": gettext_lazy("All"),
    "mine": gettext_lazy("Mine"),
    "my-customers": gettext_lazy("My customers"),
    "on-call": gettext_lazy("On call"),
}


def _blank(choices: list[tuple[str, Any]]) -> list[tuple[str, Any]]:
    return [("", "—"), *choices]


class QueueFilters(forms.Form):
    """The API's ticket filters (GET /api/v1/tickets), by the same names and values."""

    q = forms.CharField(
        label=gettext_lazy("Search"), required=False, max_length=200, validators=[validate_text]
    )
    status = forms.ChoiceField(
        label=gettext_lazy("Status"),
        required=False,
        choices=_blank([("open", pgettext_lazy("tickets", "Open")), *Ticket.Status.choices]),
    )
    channel = forms.ChoiceField(
        label=gettext_lazy("Channel"), required=False, choices=_blank(Channel.choices)
    )
    severity = forms.ChoiceField(
        label=gettext_lazy("Severity"), required=False, choices=_blank(Severity.choices)
    )
    organisation_id = forms.ModelChoiceField(
        label=gettext_lazy("Customer"), required=False, queryset=Organisation.objects.all()
    )
    tag = forms.CharField(
        label=gettext_lazy("Tag"), required=False, max_length=50, validators=[validate_text]
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        offer_only_chosen(self, "organisation_id")

    def clean_organisation_id(self) -> int | None:
        organisation = self.cleaned_data.get("organisation_id")
        return organisation.pk if organisation else None


SUGGESTIONS = 20


@require_GET
@staff_only
def customer_suggestions(request: HttpRequest) -> HttpResponse:
    """The queue's customer field refilled with the organisations matching what was
    typed (name or short name), at most ``SUGGESTIONS`` of them, by name."""
    typed = request.GET.get("customer", "").strip()[:200]
    found = visible_organisations(request.user).none()
    # A text no database can store (a NUL, a lone surrogate) matches nobody.
    if typed and not text_problem(typed):
        found = (
            visible_organisations(request.user)
            .filter(Q(name__icontains=typed) | Q(short_name__icontains=typed))
            .order_by(Lower("name"), "pk")[:SUGGESTIONS]
        )
    return render(request, "console/_customer_choices.html", {"organisations": found})


def queue_tickets(staff: StaffMember, params: QueryDict) -> tuple[str, QueueFilters, QuerySet]:
    """The view's name, the bound filters and the tickets they select, with what a row
    shows joined or prefetched, so a page costs the same queries whatever its length."""
    view = params.get("view", "all")
    if view not in VIEWS:
        view = "all"
    filters = QueueFilters(params)
    wanted: dict[str, Any] = {}
    if filters.is_valid():
        wanted = {k: v for k, v in filters.cleaned_data.items() if v not in (None, "")}
    text = wanted.pop("q", "")
    # Only the plain queue is open tickets only: a search or a status filter (resolved,
    # closed) reaches every ticket.
    tickets = queries.queue(
        staff, view, open_only=not text and wanted.get("status") in (None, "open")
    )
    tickets = queries.filtered(tickets, **wanted)
    if text:
        tickets = search.matching(tickets, text)
    # Only what a row shows (issue 20, item 2: a page's time was Python building
    # objects): no contact or account manager, no description or explanation.
    tickets = (
        tickets.select_related(None)
        .select_related("organisation", "assignee__user")
        .only(*ROW_FIELDS)
        .prefetch_related(Prefetch("tags", queryset=Tag.objects.order_by(Lower("name"))))
    )
    return view, filters, tickets


def pager_of(tickets: QuerySet, params: QueryDict) -> dict[str, Any]:
    """The page to show and the links to its neighbours (query strings), with the count
    that stops at 10,001 rows: the queue of a decade's tickets is not counted whole.

    In queue order the pages are keyset pages (issue 20, item 2): ``cursor`` is the
    position of the page's edge, so a deep page is an index range scan, not an OFFSET.
    A ranked search, and the page numbers of older links (``page``), are numbered pages
    of at most the capped count."""
    kept = params.copy()
    kept.pop("page", None)
    kept.pop("cursor", None)

    def link(**extra: str) -> str:
        query = kept.copy()
        query.update(extra)
        return query.urlencode()

    count = limited_count(tickets)
    cap = counting.COUNT_CAP
    pager: dict[str, Any] = {"count": count, "more": count > cap, "cap": cap}
    if search.ranked(tickets) or "page" in params:
        # get_page: a page past the end or a word shows the last or first page, never a 404.
        paginator = LimitedPaginator(tickets, PAGE_SIZE)
        paginator.count = count  # counted above, once  # type: ignore[misc]
        page = paginator.get_page(params.get("page"))
        numbers = list(paginator.get_elided_page_range(page.number))
        return pager | {
            "rows": page.object_list,
            "number": page.number,
            "ellipsis": paginator.ELLIPSIS,
            "numbered": [(n, link(page=str(n))) for n in numbers] if len(numbers) > 1 else [],
            "previous": link(page=str(page.number - 1)) if page.has_previous() else None,
            "next": link(page=str(page.number + 1)) if page.has_next() else None,
        }
    position = None
    error = None
    if "cursor" in params:
        try:
            position = keyset.read_cursor(queries.QUEUE_KEYS, params.get("cursor", ""))
        except keyset.BadCursor as exc:
            error = f"cursor: {exc}"
    found = keyset.page(tickets, queries.QUEUE_KEYS, position, PAGE_SIZE)
    return pager | {
        "rows": found.rows,
        "numbered": [],
        "error": error,
        "previous": link(cursor=found.previous) if found.previous else None,
        "next": link(cursor=found.next) if found.next else None,
    }


@require_GET
@staff_only
def queue(request: HttpRequest) -> HttpResponse:
    staff = request.user.staff_member  # type: ignore[union-attr]
    view, filters, tickets = queue_tickets(staff, request.GET)
    pager = pager_of(tickets, request.GET)
    context = {
        "pager": pager,
        "tickets": pager["rows"],
        "view": view,
        "views": VIEWS,
        "filters": filters,
        "here": request.GET.urlencode(),
        "statuses": [("", "—"), *Ticket.Status.choices],
        "saved_views": [(v, urlencode(v.filters)) for v in staff.saved_views.all()],
        "colleagues": StaffMember.objects.filter(is_active=True, is_agent=True).select_related(
            "user"
        ),
    }
    # A cursor this list did not make: the first page, saying why, as a 400 naming it.
    status = 400 if pager.get("error") else 200
    if request.htmx and request.htmx.target == "queue-rows":  # type: ignore[attr-defined]
        return render(request, "console/_queue_rows.html", context, status=status)
    return render(request, "console/queue.html", context, status=status)
