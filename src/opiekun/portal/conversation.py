"""A ticket as its customer sees it: the thread with the files of every message (theirs
and ours, never an internal note's), a reply with files, the download of a file, and
the rating of a resolved ticket, from the portal or from the e-mail's signed link."""

from __future__ import annotations

from collections import defaultdict

from django import forms
from django.contrib import messages
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from opiekun.core import bounds
from opiekun.core.forms import ManyFilesField, refuse, uploads
from opiekun.customers.models import Contact
from opiekun.portal.guards import contacts_only
from opiekun.tickets import access, actions, attachments, ratings
from opiekun.tickets.actions.messages import MAX_FILES
from opiekun.tickets.actions.rating import COMMENT_LIMIT
from opiekun.tickets.models import Attachment, Message, Rating, Ticket
from opiekun.tickets.models.rating import HIGHEST, LOWEST


class ReplyForm(forms.Form):
    body = forms.CharField(
        label=gettext_lazy("Your message"),
        required=False,
        widget=forms.Textarea,
        validators=[bounds.validate_text],
    )
    attachments = ManyFilesField(
        label=gettext_lazy("Attachments"), required=False, max_files=MAX_FILES
    )

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if not str(data.get("body") or "").strip() and not data.get("attachments"):
            self.add_error("body", _("Write something or attach a file."))
        return data


class RatingForm(forms.Form):
    score = forms.TypedChoiceField(
        label=gettext_lazy("How satisfied are you with the handling of this ticket?"),
        choices=[(n, str(n)) for n in range(HIGHEST, LOWEST - 1, -1)],
        coerce=int,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=gettext_lazy("Comment"),
        required=False,
        max_length=COMMENT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 3}),
        validators=[bounds.validate_text],
    )


def _files(
    user: AbstractBaseUser | AnonymousUser, ticket: Ticket
) -> dict[int | None, list[Attachment]]:
    """The files the reader may open, by message (None: the ticket's own, e.g. the
    file sent with the question form)."""
    by_message: dict[int | None, list[Attachment]] = defaultdict(list)
    for a in access.visible_attachments(user).filter(ticket=ticket).order_by("pk"):
        if not a.is_inline:
            by_message[a.message_id].append(a)
    return by_message


def _page(
    request: HttpRequest,
    ticket: Ticket,
    *,
    reply_form: ReplyForm | None = None,
    rating_form: RatingForm | None = None,
    status: int = 200,
) -> HttpResponse:
    thread = list(
        ticket.messages.exclude(direction=Message.Direction.NOTE).select_related(
            "author_staff__user", "author_contact"
        )
    )
    files = _files(request.user, ticket)
    for m in thread:
        m.portal_files = files.get(m.pk, [])  # type: ignore[attr-defined]
    rating = Rating.objects.filter(ticket=ticket).first()
    return render(
        request,
        "portal/ticket.html",
        {
            "ticket": ticket,
            "thread": thread,
            "ticket_files": files.get(None, []),
            "reply_form": reply_form or ReplyForm(),
            "rating": rating,
            # A refused rating comes back with its reason, even once rated by another.
            "rating_form": rating_form
            or (RatingForm() if rating is None and actions.may_rate(ticket) else None),
        },
        status=status,
    )


@require_GET
@contacts_only
def ticket(request: HttpRequest, contact: Contact, ticket_id: int) -> HttpResponse:
    return _page(request, access.ticket_for(request.user, ticket_id))


@require_POST
@contacts_only
def reply(request: HttpRequest, contact: Contact, ticket_id: int) -> HttpResponse:
    found = access.ticket_for(request.user, ticket_id)
    form = ReplyForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            actions.customer_message(
                found,
                contact=contact,
                body=form.cleaned_data["body"],
                channel="portal",
                files=uploads(form.cleaned_data["attachments"]),
                actor=request.user,
            )
        except (actions.IntakeError, attachments.AttachmentError) as exc:
            refuse(form, exc, aliases={"file": "attachments"})
        else:
            messages.success(request, _("Your message was added."))
            return redirect("portal:ticket", ticket_id=found.pk)
    # The text is kept with the reason, so nothing the customer wrote is lost.
    return _page(request, found, reply_form=form, status=400)


@require_GET
@contacts_only
def download(
    request: HttpRequest, contact: Contact, ticket_id: int, attachment_id: int
) -> FileResponse:
    """A file of the ticket, always as a download with sniffing off (as the API's)."""
    found = access.ticket_for(request.user, ticket_id)
    attachment = access.attachment_for(request.user, attachment_id)
    if attachment.ticket_id != found.pk:
        raise Http404("No such attachment")
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.filename,
        content_type=attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


def _rate(
    request: HttpRequest, ticket: Ticket, contact: Contact, via: str
) -> tuple[bool, RatingForm]:
    form = RatingForm(request.POST)
    if form.is_valid():
        try:
            actions.rate(
                ticket,
                contact=contact,
                score=form.cleaned_data["score"],
                comment=form.cleaned_data["comment"],
                via=via,
                actor=request.user if request.user.is_authenticated else None,
            )
        except actions.IntakeError as exc:
            refuse(form, exc)
        else:
            return True, form
    return False, form


@require_POST
@contacts_only
def rate(request: HttpRequest, contact: Contact, ticket_id: int) -> HttpResponse:
    found = access.ticket_for(request.user, ticket_id)
    done, form = _rate(request, found, contact, Rating.Via.PORTAL)
    if done:
        messages.success(request, _("Thank you for your rating."))
        return redirect("portal:ticket", ticket_id=found.pk)
    return _page(request, found, rating_form=form, status=400)


@require_http_methods(["GET", "POST"])
def rate_by_link(request: HttpRequest, token: str) -> HttpResponse:
    """The rating page of the e-mail's link: no sign-in, the signed token names the ticket
    and the contact. Opening it records nothing (mail scanners open links); the rating is
    the form's POST. A bad, expired or foreign token is a 404, as any unknown page."""
    read = ratings.read_token(token)
    if read is None:
        raise Http404("No such page")
    ticket_id, contact_id = read
    contact = Contact.objects.filter(pk=contact_id, is_active=True).first()
    found = Ticket.objects.filter(pk=ticket_id).first()
    if contact is None or found is None or found.organisation_id != contact.organisation_id:
        raise Http404("No such page")
    # The page speaks the contact's language, as the e-mail that carried the link did.
    with translation.override(contact.language or translation.get_language()):
        rating = Rating.objects.filter(ticket=found).first()
        form: RatingForm | None = None
        status = 200
        if rating is None and actions.may_rate(found):
            if request.method == "POST":
                done, form = _rate(request, found, contact, Rating.Via.LINK)
                if done:
                    return redirect("portal:rate-by-link", token=token)
                status = 400
            else:
                # The e-mail may link one score per star; the form shows it chosen, unsent.
                score = request.GET.get("score", "")
                chosen = int(score) if score.isdigit() and LOWEST <= int(score) <= HIGHEST else None
                form = RatingForm(initial={"score": chosen})
        return render(
            request,
            "portal/rate.html",
            {"ticket": found, "rating": rating, "rating_form": form},
            status=status,
        )
