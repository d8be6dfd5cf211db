"""The knowledge base (R-CH-4: other users' questions and answers, searchable from the
portal) and the community forum of plans that open it (R-CH-1, SHIP COMMUNITY)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from opiekun.core.models import Timestamped


class Article(Timestamped):
    """A question and its answer, written for every customer of the vendor to read. Made
    by hand, from an answered ticket or from a forum thread; customers see it only once
    published."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        PUBLISHED = "published", _("published")

    vendor = models.ForeignKey(
        "catalog.Vendor", verbose_name=_("vendor"), on_delete=models.PROTECT, related_name="+"
    )
    product = models.ForeignKey(
        "catalog.Product",
        verbose_name=_("product"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    title = models.CharField(_("title"), max_length=300)
    question = models.TextField(_("question"), blank=True)
    answer = models.TextField(_("answer"))
    documentation_ref = models.CharField(_("documentation reference"), max_length=300, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    source_ticket = models.ForeignKey(
        "tickets.Ticket",
        verbose_name=_("made from ticket"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="articles",
    )
    source_thread = models.ForeignKey(
        "knowledge.ForumThread",
        verbose_name=_("made from forum thread"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="articles",
    )
    # Title, question and answer folded to lower case, kept by the actions: searched the
    # same way on PostgreSQL (full text) and SQLite (substring), whatever the letters' case.
    search_text = models.TextField(editable=False, blank=True)

    class Meta:
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        ordering = ["-published_at", "-created_at"]
        indexes = [models.Index(fields=["vendor", "status"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="draft") | Q(published_at__isnull=False),
                name="article_published_has_date",
            )
        ]

    def __str__(self) -> str:
        return self.title


class ForumThread(Timestamped):
    """A question asked on the vendor's community forum. Contacts of every organisation
    whose plan opens the forum read and answer it; staff mark the accepted answer, and
    may turn the thread into an article or the question into a ticket."""

    vendor = models.ForeignKey(
        "catalog.Vendor", verbose_name=_("vendor"), on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("title"), max_length=300)
    author = models.ForeignKey(
        "customers.Contact",
        verbose_name=_("asked by"),
        on_delete=models.PROTECT,
        related_name="forum_threads",
    )
    accepted_post = models.ForeignKey(
        "knowledge.ForumPost",
        verbose_name=_("accepted answer"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    ticket = models.ForeignKey(
        "tickets.Ticket",
        verbose_name=_("turned into ticket"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    last_post_at = models.DateTimeField(_("last post at"), default=timezone.now)

    class Meta:
        verbose_name = _("forum thread")
        verbose_name_plural = _("forum threads")
        ordering = ["-last_post_at"]
        indexes = [models.Index(fields=["vendor", "-last_post_at"])]

    def __str__(self) -> str:
        return self.title


class ForumPost(Timestamped):
    """One post of a thread, by a contact or by a staff member (never both)."""

    thread = models.ForeignKey(
        ForumThread, verbose_name=_("thread"), on_delete=models.CASCADE, related_name="posts"
    )
    author_contact = models.ForeignKey(
        "customers.Contact",
        verbose_name=_("contact"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    author_staff = models.ForeignKey(
        "staff.StaffMember",
        verbose_name=_("staff member"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    body = models.TextField(_("text"))

    class Meta:
        verbose_name = _("forum post")
        verbose_name_plural = _("forum posts")
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(author_contact__isnull=True) ^ Q(author_staff__isnull=True),
                name="forum_post_one_author",
            )
        ]

    def __str__(self) -> str:
        return f"{self.thread} #{self.pk}"

    @property
    def author_name(self) -> str:
        if self.author_staff_id:
            return str(self.author_staff)
        return self.author_contact.full_name if self.author_contact else ""
