"""The console's knowledge base and forum: write and publish articles, one click from an
answered ticket to a draft (with a warning when a similar article exists), moderate the
community forum (accepted answer, thread to article, question to ticket): one view and
URL per action."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from opiekun.catalog.models import Product, Vendor
from opiekun.console.guards import staff_only
from opiekun.core import bounds
from opiekun.core.forms import refuse
from opiekun.knowledge import access as kb_access
from opiekun.knowledge import actions as kb
from opiekun.knowledge import search
from opiekun.knowledge.models import Article
from opiekun.tickets import access


class ArticleForm(forms.Form):
    vendor = forms.ModelChoiceField(label=gettext_lazy("Vendor"), queryset=Vendor.objects.all())
    product = forms.ModelChoiceField(
        label=gettext_lazy("Product"),
        queryset=Product.objects.select_related("vendor"),
        required=False,
    )
    title = forms.CharField(label=gettext_lazy("Title"), max_length=300)
    question = forms.CharField(
        label=gettext_lazy("Question"), widget=forms.Textarea, required=False
    )
    answer = forms.CharField(label=gettext_lazy("Answer"), widget=forms.Textarea)
    documentation_ref = forms.CharField(
        label=gettext_lazy("Documentation reference"), max_length=300, required=False
    )


@require_GET
@staff_only
def articles(request: HttpRequest) -> HttpResponse:
    text = request.GET.get("q", "").strip()
    found = search.search(Article.objects.select_related("vendor", "product"), text)
    return render(request, "console/articles.html", {"articles": found, "q": text})


def _save(request: HttpRequest, form: ArticleForm, article: Article | None) -> Article | None:
    if not form.is_valid():
        return None
    data = form.cleaned_data
    try:
        return kb.write_article(
            vendor=data["vendor"],
            product=data["product"],
            title=data["title"],
            question=data["question"],
            answer=data["answer"],
            documentation_ref=data["documentation_ref"],
            article=article,
            actor=request.user,
        )
    except kb.KnowledgeError as exc:
        refuse(form, exc)
        return None


@require_http_methods(["GET", "POST"])
@staff_only
def new_article(request: HttpRequest) -> HttpResponse:
    form = ArticleForm(request.POST or None)
    if request.method == "POST" and (article := _save(request, form, None)) is not None:
        messages.success(request, _("The article was saved as a draft."))
        return redirect("console:article", article_id=article.pk)
    return render(request, "console/article.html", {"form": form, "article": None})


@require_http_methods(["GET", "POST"])
@staff_only
def article(request: HttpRequest, article_id: int) -> HttpResponse:
    found = kb_access.article_for(request.user, article_id)
    initial = {
        "vendor": found.vendor,
        "product": found.product,
        "title": found.title,
        "question": found.question,
        "answer": found.answer,
        "documentation_ref": found.documentation_ref,
    }
    form = ArticleForm(request.POST or None, initial=initial)
    if request.method == "POST" and _save(request, form, found) is not None:
        messages.success(request, _("The article was saved."))
        return redirect("console:article", article_id=found.pk)
    alike = search.similar(
        Article.objects.filter(vendor=found.vendor_id),
        found.title,
        found.question,
        exclude=found.pk,
    )
    return render(
        request, "console/article.html", {"form": form, "article": found, "similar": alike}
    )


@require_POST
@staff_only
def publish(request: HttpRequest, article_id: int) -> HttpResponse:
    found = kb_access.article_for(request.user, article_id)
    kb.publish(found, actor=request.user)
    messages.success(request, _("The article is published: customers can read it."))
    return redirect("console:article", article_id=found.pk)


@require_POST
@staff_only
def withdraw(request: HttpRequest, article_id: int) -> HttpResponse:
    found = kb_access.article_for(request.user, article_id)
    kb.withdraw(found, actor=request.user)
    messages.success(request, _("The article is a draft again: customers no longer see it."))
    return redirect("console:article", article_id=found.pk)


@require_POST
@staff_only
def ticket_to_article(request: HttpRequest, ticket_id: int) -> HttpResponse:
    found = access.ticket_for(request.user, ticket_id)
    try:
        made = kb.article_from_ticket(found, actor=request.user)
    except kb.KnowledgeError as exc:
        messages.error(request, str(exc))
        return redirect("console:ticket", ticket_id=found.pk)
    messages.success(
        request,
        _("A draft article was made from %(ref)s. Edit it before publishing.")
        % {"ref": found.reference},
    )
    return redirect("console:article", article_id=made.pk)


@require_GET
@staff_only
def threads(request: HttpRequest) -> HttpResponse:
    found = kb_access.visible_threads(request.user).select_related(
        "vendor", "author__organisation", "ticket"
    )[:200]
    return render(request, "console/threads.html", {"threads": found})


@require_GET
@staff_only
def thread(request: HttpRequest, thread_id: int) -> HttpResponse:
    return _thread_page(request, thread_id)


class ReplyForm(forms.Form):
    body = forms.CharField(
        label=gettext_lazy("Answer on the forum"),
        widget=forms.Textarea,
        validators=[bounds.validate_text],
    )


class AcceptForm(forms.Form):
    post = forms.IntegerField(min_value=1, max_value=bounds.MAX_ID)


def _thread_page(
    request: HttpRequest, thread_id: int, form: forms.Form | None = None, status: int = 200
) -> HttpResponse:
    found = kb_access.thread_for(request.user, thread_id)
    posts = found.posts.select_related("author_contact__organisation", "author_staff__user")
    context = {"thread": found, "posts": posts, "reply_form": form or ReplyForm(auto_id="reply-%s")}
    return render(request, "console/thread.html", context, status=status)


@require_POST
@staff_only
def reply(request: HttpRequest, thread_id: int) -> HttpResponse:
    found = kb_access.thread_for(request.user, thread_id)
    form = ReplyForm(request.POST, auto_id="reply-%s")
    if form.is_valid():
        try:
            kb.reply(
                found,
                body=form.cleaned_data["body"],
                staff=request.user.staff_member,  # type: ignore[union-attr]
                actor=request.user,
            )
        except kb.KnowledgeError as exc:
            refuse(form, exc)
        else:
            messages.success(request, _("The answer was posted."))
            return redirect("console:thread", thread_id=found.pk)
    return _thread_page(request, found.pk, form, status=400)


@require_POST
@staff_only
def accept(request: HttpRequest, thread_id: int) -> HttpResponse:
    found = kb_access.thread_for(request.user, thread_id)
    form = AcceptForm(request.POST)
    post = found.posts.filter(pk=form.cleaned_data["post"]).first() if form.is_valid() else None
    if post is None:
        messages.error(request, _("That answer is not in this thread."))
    else:
        kb.accept(found, post, actor=request.user)
        messages.success(request, _("The answer is marked as accepted."))
    return redirect("console:thread", thread_id=found.pk)


@require_POST
@staff_only
def thread_to_article(request: HttpRequest, thread_id: int) -> HttpResponse:
    found = kb_access.thread_for(request.user, thread_id)
    try:
        made = kb.article_from_thread(found, actor=request.user)
    except kb.KnowledgeError as exc:
        messages.error(request, str(exc))
        return redirect("console:thread", thread_id=found.pk)
    messages.success(request, _("A draft article was made from the thread."))
    return redirect("console:article", article_id=made.pk)


@require_POST
@staff_only
def thread_to_ticket(request: HttpRequest, thread_id: int) -> HttpResponse:
    found = kb_access.thread_for(request.user, thread_id)
    try:
        ticket = kb.thread_to_ticket(found, actor=request.user)
    except kb.KnowledgeError as exc:
        messages.error(request, str(exc))
        return redirect("console:thread", thread_id=found.pk)
    messages.success(request, _("The question is now ticket %(ref)s.") % {"ref": ticket})
    return redirect("console:ticket", ticket_id=ticket.pk)
