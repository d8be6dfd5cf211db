"""A ticket's thread: its messages and the files that came with them."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from opiekun.catalog.choices import Channel
from opiekun.core.models import Timestamped
from opiekun.tickets.models.ticket import Ticket


class Message(Timestamped):
    """One entry of a ticket's thread: the customer's question, our answer by a channel
    (R-CH-2), or an internal note. Bodies are sanitised before they are stored."""

    class Direction(models.TextChoices):
        INBOUND = "in", _("from the customer")
        OUTBOUND = "out", _("to the customer")
        NOTE = "note", _("internal note")

    class Delivery(models.TextChoices):
        NOT_APPLICABLE = "n/a", _("not sent")
        PENDING = "pending", _("pending")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")

    ticket = models.ForeignKey(
        Ticket, verbose_name=_("ticket"), on_delete=models.CASCADE, related_name="messages"
    )
    direction = models.CharField(_("direction"), max_length=4, choices=Direction.choices)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    channel_reason = models.CharField(
        _("why another channel"),
        max_length=300,
        blank=True,
        help_text=_("Required when an answer leaves by another channel than it came (R-CH-2)."),
    )
    author_staff = models.ForeignKey(
        "staff.StaffMember",
        verbose_name=_("staff author"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    author_contact = models.ForeignKey(
        "customers.Contact",
        verbose_name=_("contact author"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    sender = models.CharField(_("sender address"), max_length=254, blank=True)
    recipient = models.CharField(
        _("sent to"), max_length=254, blank=True, help_text=_("Address or number of an answer.")
    )
    subject = models.CharField(_("subject"), max_length=300, blank=True)
    body_text = models.TextField(_("text"), blank=True)
    body_html = models.TextField(_("sanitised HTML"), blank=True)
    # An e-mail reply's whole text, quoted thread and signature included, when body_text
    # holds only its new part (what is shown first and searched).
    body_full = models.TextField(_("whole text with quotes"), blank=True)
    documentation_ref = models.CharField(
        _("documentation reference"), max_length=300, blank=True, help_text="R-CH-3"
    )
    message_id = models.CharField(
        _("Message-ID"), max_length=255, null=True, blank=True, unique=True
    )
    in_reply_to = models.CharField(_("In-Reply-To"), max_length=255, blank=True)
    references = models.TextField(_("References"), blank=True)
    auto_submitted = models.CharField(
        _("Auto-Submitted"),
        max_length=20,
        blank=True,
        choices=[("auto-replied", "auto-replied"), ("auto-generated", "auto-generated")],
        help_text=_("Set on mail the desk sends by itself, so other robots do not answer it."),
    )
    attempts = models.PositiveSmallIntegerField(_("sending attempts"), default=0)
    delivery = models.CharField(
        _("delivery"), max_length=8, choices=Delivery.choices, default=Delivery.NOT_APPLICABLE
    )
    delivery_error = models.CharField(_("delivery error"), max_length=500, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["ticket", "created_at", "id"]
        indexes = [
            # The daily cap of automatic mail per recipient counts through this.
            models.Index(fields=["recipient", "created_at"], name="message_recipient_time"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(direction="in") | Q(author_staff__isnull=True),
                name="message_inbound_not_by_staff",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.ticket.reference} {self.direction} {self.created_at:%Y-%m-%d %H:%M}"


def attachment_path(instance: Attachment, filename: str) -> str:
    # The stored name is the content hash: no user-chosen path ever reaches the disk.
    return f"attachments/{instance.sha256[:2]}/{instance.sha256}"


class Attachment(Timestamped):
    """A file that came with a message or a fax scan. Served only through a
    permission-checked view, always as a download."""

    ticket = models.ForeignKey(
        Ticket, verbose_name=_("ticket"), on_delete=models.CASCADE, related_name="attachments"
    )
    message = models.ForeignKey(
        Message,
        verbose_name=_("message"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="attachments",
    )
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=200)
    filename = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    is_inline = models.BooleanField(_("inline image"), default=False)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["ticket", "created_at"]

    def __str__(self) -> str:
        return self.filename
