"""The portal's knowledge base search (R-CH-4) and community forum (R-CH-1: for plans
that open it, SHIP COMMUNITY and up). A contact whose plan has no forum gets 404."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from opiekun.catalog.models import Vendor
from opiekun.core.forms import refuse, sentence
from opiekun.customers.models import Contact
from opiekun.knowledge import access as kb_access
from opiekun.knowledge import actions as kb
from opiekun.knowledge import search
from opiekun.portal.guards import contacts_only


@require_GET
@contacts_only
def articles(request: HttpRequest, contact: Contact) -> HttpResponse:
    text = request.GET.get("q", "").strip()
    found = search.search(kb_access.visible_articles(request.user).select_related("product"), text)
    return render(request, "portal/articles.html", {"articles": found, "q": text})


@require_GET
@contacts_only
def article(request: HttpRequest, contact: Contact, article_id: int) -> HttpResponse:
    found = kb_access.article_for(request.user, article_id)
    return render(request, "portal/article.html", {"article": found})


def _forum_vendors(request: HttpRequest) -> list[Vendor]:
    vendors = list(kb_access.forum_vendors(request.user))
    if not vendors:
        raise Http404("No forum for this plan")
    return vendors


@require_GET
@contacts_only
def threads(request: HttpRequest, contact: Contact) -> HttpResponse:
    _forum_vendors(request)
    found = kb_access.visible_threads(request.user).select_related("vendor", "author")[:200]
    return render(request, "portal/threads.html", {"threads": found})


class QuestionForm(forms.Form):
    vendor = forms.ModelChoiceField(label=gettext_lazy("Forum"), queryset=Vendor.objects.none())
    title = forms.CharField(label=gettext_lazy("Subject"), max_length=300)
    body = forms.CharField(label=gettext_lazy("Question"), widget=forms.Textarea)


@require_http_methods(["GET", "POST"])
@contacts_only
def ask(request: HttpRequest, contact: Contact) -> HttpResponse:
    vendors = _forum_vendors(request)
    form = QuestionForm(request.POST or None, initial={"vendor": vendors[0]})
    form.fields["vendor"].queryset = kb_access.forum_vendors(request.user)  # type: ignore[attr-defined]
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            made = kb.ask(
                contact, data["vendor"], title=data["title"], body=data["body"], actor=request.user
            )
        except kb.KnowledgeError as exc:
            refuse(form, exc)
        else:
            messages.success(request, _("Your question is on the forum."))
            return redirect("portal:thread", thread_id=made.pk)
    return render(request, "portal/ask.html", {"form": form})


@require_GET
@contacts_only
def thread(request: HttpRequest, contact: Contact, thread_id: int) -> HttpResponse:
    found = kb_access.thread_for(request.user, thread_id)
    posts = found.posts.select_related("author_contact", "author_staff__user")
    return render(request, "portal/thread.html", {"thread": found, "posts": posts})


@require_POST
@contacts_only
def reply(request: HttpRequest, contact: Contact, thread_id: int) -> HttpResponse:
    found = kb_access.thread_for(request.user, thread_id)
    try:
        kb.reply(found, body=request.POST.get("body", ""), contact=contact, actor=request.user)
        messages.success(request, _("Your answer was posted."))
    except kb.KnowledgeError as exc:
        messages.error(request, sentence(exc))
    return redirect("portal:thread", thread_id=found.pk)
