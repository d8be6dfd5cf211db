"""Every change to the knowledge base and the forum: each one transaction with its audit
event. Bad input raises KnowledgeError naming the field, before anything is written."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from opiekun.catalog.choices import Channel
from opiekun.catalog.models import Product, Vendor
from opiekun.core import audit, bounds, terms
from opiekun.core.audit import Actor
from opiekun.customers.models import Contact
from opiekun.knowledge import access
from opiekun.knowledge.models import Article, ForumPost, ForumThread
from opiekun.staff.models import StaffMember
from opiekun.tickets import actions as ticket_actions
from opiekun.tickets.models import Message, Ticket


class KnowledgeError(ValueError):
    """An article or post cannot be written as asked; the message names the field."""


def _required(field: str, value: str) -> str:
    value = _clean(field, value.strip())
    if not value:
        raise KnowledgeError(f"{field}: must not be empty")
    return value


def _clean(field: str, value: str) -> str:
    return bounds.text(field, value, error=KnowledgeError)


def write_article(
    *,
    vendor: Vendor,
    title: str,
    answer: str,
    question: str = "",
    documentation_ref: str = "",
    product: Product | None = None,
    article: Article | None = None,
    actor: Actor = None,
) -> Article:
    """Creates an article, or saves a new version of ``article``'s text."""
    title = _required("title", title)[:300]
    answer = _required("answer", answer)
    _clean("question", question)
    _clean("documentation_ref", documentation_ref)
    if product is not None and product.vendor_id != vendor.pk:
        raise KnowledgeError(f"product: {product} is not a product of {vendor}")
    with transaction.atomic():
        if article is None:
            article = Article(vendor=vendor)
        else:
            article = Article.objects.select_for_update().get(pk=article.pk)
            article.vendor = vendor
        article.product = product
        article.title = title
        article.question = question.strip()
        article.answer = answer
        article.documentation_ref = documentation_ref.strip()[:300]
        article.search_text = terms.folded(article.title, article.question, article.answer)
        created = article.pk is None
        article.save()
        audit.record(
            "article.created" if created else "article.edited", article, actor=actor, title=title
        )
    return article


def publish(article: Article, *, actor: Actor = None) -> Article:
    with transaction.atomic():
        article = Article.objects.select_for_update().get(pk=article.pk)
        article.status = Article.Status.PUBLISHED
        article.published_at = article.published_at or timezone.now()
        article.save(update_fields=["status", "published_at", "updated_at"])
        audit.record("article.published", article, actor=actor)
    return article


def withdraw(article: Article, *, actor: Actor = None) -> Article:
    """Back to draft: customers no longer see it (the first publication date is kept)."""
    with transaction.atomic():
        article = Article.objects.select_for_update().get(pk=article.pk)
        article.status = Article.Status.DRAFT
        article.save(update_fields=["status", "updated_at"])
        audit.record("article.withdrawn", article, actor=actor)
    return article


def _vendor_of(ticket: Ticket) -> Vendor:
    if ticket.contract_id is not None:
        return ticket.contract.plan.vendor  # type: ignore[union-attr]
    if ticket.product_id is not None:
        return ticket.product.vendor  # type: ignore[union-attr]
    raise KnowledgeError(f"ticket: {ticket.reference} has no contract or product to file it under")


def article_from_ticket(ticket: Ticket, *, actor: Actor = None) -> Article:
    """A draft article from an answered ticket: its subject, question and last answer
    (with the documentation reference, R-CH-3). Staff edit it before publishing, not
    least to take out the customer's details."""
    reply = (
        ticket.messages.filter(direction=Message.Direction.OUTBOUND)
        .exclude(body_text="")
        .order_by("-created_at", "-pk")
        .first()
    )
    if reply is None:
        raise KnowledgeError(f"ticket: {ticket.reference} has no answer to make an article of")
    with transaction.atomic():
        article = write_article(
            vendor=_vendor_of(ticket),
            product=ticket.product,
            title=ticket.subject,
            question=ticket.description,
            answer=reply.body_text,
            documentation_ref=reply.documentation_ref,
            actor=actor,
        )
        article.source_ticket = ticket
        article.save(update_fields=["source_ticket", "updated_at"])
        audit.record(
            "ticket.article_drafted",
            ticket,
            actor=actor,
            organisation=ticket.organisation,
            article=article.pk,
        )
    return article


def ask(
    contact: Contact, vendor: Vendor, *, title: str, body: str, actor: Actor = None
) -> ForumThread:
    """A new question on the vendor's forum, by a contact whose plan opens it (R-CH-1)."""
    title = _required("title", title)[:300]
    body = _required("body", body)
    if not access.forum_vendors_of(contact.organisation_id).filter(pk=vendor.pk).exists():
        raise KnowledgeError(
            f"vendor: {contact.organisation}'s plan does not open {vendor}'s forum"
        )
    with transaction.atomic():
        thread = ForumThread.objects.create(vendor=vendor, title=title, author=contact)
        ForumPost.objects.create(thread=thread, author_contact=contact, body=body)
        audit.record(
            "forum.asked", thread, actor=actor, organisation=contact.organisation, title=title
        )
    return thread


def reply(
    thread: ForumThread,
    *,
    body: str,
    contact: Contact | None = None,
    staff: StaffMember | None = None,
    actor: Actor = None,
) -> ForumPost:
    body = _required("body", body)
    if (contact is None) == (staff is None):
        raise KnowledgeError("author: a post is written by one contact or one staff member")
    with transaction.atomic():
        thread = ForumThread.objects.select_for_update().get(pk=thread.pk)
        post = ForumPost.objects.create(
            thread=thread, author_contact=contact, author_staff=staff, body=body
        )
        thread.last_post_at = post.created_at
        thread.save(update_fields=["last_post_at", "updated_at"])
        audit.record(
            "forum.replied",
            thread,
            actor=actor,
            organisation=contact.organisation if contact else None,
            post=post.pk,
        )
    return post


def accept(thread: ForumThread, post: ForumPost, *, actor: Actor = None) -> ForumThread:
    """Staff mark the answer that solves the question."""
    with transaction.atomic():
        thread = ForumThread.objects.select_for_update().get(pk=thread.pk)
        first = thread.posts.order_by("created_at", "pk").values_list("pk", flat=True).first()
        if post.thread_id != thread.pk:
            raise KnowledgeError(f"post: #{post.pk} is not in this thread")
        if post.pk == first:
            raise KnowledgeError("post: the question itself cannot be its answer")
        thread.accepted_post = post
        thread.save(update_fields=["accepted_post", "updated_at"])
        audit.record("forum.accepted", thread, actor=actor, post=post.pk)
    return thread


def article_from_thread(thread: ForumThread, *, actor: Actor = None) -> Article:
    """A draft article from a thread: its question and the accepted answer."""
    if thread.accepted_post is None:
        raise KnowledgeError("thread: mark the accepted answer first")
    question = thread.posts.order_by("created_at", "pk").first()
    with transaction.atomic():
        article = write_article(
            vendor=thread.vendor,
            title=thread.title,
            question=question.body if question else "",
            answer=thread.accepted_post.body,
            actor=actor,
        )
        article.source_thread = thread
        article.save(update_fields=["source_thread", "updated_at"])
    return article


def thread_to_ticket(thread: ForumThread, *, actor: Actor = None) -> Ticket:
    """The forum question becomes a ticket of the asker's organisation (channel: forum),
    with the deadlines of its contract; the thread links to it."""
    if thread.ticket_id is not None:
        raise KnowledgeError(f"thread: already turned into {thread.ticket}")
    question = thread.posts.order_by("created_at", "pk").first()
    with transaction.atomic():
        thread = ForumThread.objects.select_for_update().get(pk=thread.pk)
        try:
            ticket = ticket_actions.open_ticket(
                thread.author.organisation,
                channel=Channel.FORUM,
                subject=thread.title,
                description=question.body if question else "",
                contact=thread.author,
                actor=actor,
            )
        except ticket_actions.IntakeError as exc:
            raise KnowledgeError(str(exc)) from exc
        thread.ticket = ticket
        thread.save(update_fields=["ticket", "updated_at"])
        audit.record(
            "forum.ticket_opened",
            thread,
            actor=actor,
            organisation=ticket.organisation,
            ticket=ticket.reference,
        )
    return ticket
