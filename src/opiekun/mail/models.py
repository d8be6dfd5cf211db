from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from opiekun.core.fields import EncryptedTextField
from opiekun.core.models import Timestamped

# R-SLA-8: a mailbox is read at least every 2 hours.
MAX_POLL_MINUTES = 120


class Mailbox(Timestamped):
    """An IMAP mailbox the desk reads, tied to the products or plans whose mail it takes.

    Polled by a beat job every ``poll_minutes`` (R-SLA-8: never less often than every
    2 hours). A poll holds a lease on the row, so two workers never read the same
    mailbox at once; a crashed poll's lease runs out."""

    class Kind(models.TextChoices):
        SUPPORT = "support", _("support questions")
        FAX_GATEWAY = "fax", _("fax-to-e-mail gateway")

    class SignIn(models.TextChoices):
        PASSWORD = "password", _("password")
        OAUTH2 = "oauth2", _("OAuth2 (XOAUTH2: Microsoft 365, Gmail)")

    class Security(models.TextChoices):
        SSL = "ssl", _("IMAPS (TLS from the start)")
        STARTTLS = "starttls", _("STARTTLS")
        PLAIN = "plain", _("none (local servers only)")

    name = models.CharField(_("name"), max_length=100, unique=True)
    address = models.EmailField(
        _("address"), unique=True, help_text=_("Answers to its mail are sent from it.")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.SUPPORT)
    host = models.CharField(_("IMAP host"), max_length=200)
    port = models.PositiveIntegerField(_("IMAP port"), default=993)
    security = models.CharField(
        _("security"), max_length=10, choices=Security.choices, default=Security.SSL
    )
    username = models.CharField(_("user name"), max_length=200)
    # Encrypted at rest (core/secretbox.py): the poller needs the password itself, so a
    # hash would not do; a stolen database or backup without the key yields nothing.
    password = EncryptedTextField(_("password"), blank=True)
    sign_in = models.CharField(
        _("sign in with"), max_length=10, choices=SignIn.choices, default=SignIn.PASSWORD
    )
    # OAuth2: an access token is fetched from the provider's token endpoint with the
    # refresh token (delegated: a person consented once) or, without one, as the client
    # itself (client credentials: Microsoft 365's app-only access). Secrets encrypted at
    # rest like the password; the access token is cached until shortly before it expires.
    oauth2_token_url = models.URLField(_("OAuth2 token URL"), max_length=500, blank=True)
    oauth2_client_id = models.CharField(_("OAuth2 client id"), max_length=200, blank=True)
    oauth2_client_secret = EncryptedTextField(_("OAuth2 client secret"), blank=True)
    oauth2_refresh_token = EncryptedTextField(_("OAuth2 refresh token"), blank=True)
    oauth2_scope = models.CharField(
        _("OAuth2 scope"),
        max_length=500,
        blank=True,
        help_text=_("e.g. https://outlook.office365.com/.default or https://mail.google.com/"),
    )
    oauth2_access_token = EncryptedTextField(blank=True, editable=False)
    oauth2_expires_at = models.DateTimeField(null=True, blank=True, editable=False)
    folder = models.CharField(_("folder"), max_length=200, default="INBOX")
    done_folder = models.CharField(
        _("move read mail to"),
        max_length=200,
        blank=True,
        help_text=_("Empty: read mail stays and is flagged $Opiekun and \\Seen."),
    )
    products = models.ManyToManyField(
        "catalog.Product", verbose_name=_("products"), blank=True, related_name="mailboxes"
    )
    plans = models.ManyToManyField(
        "catalog.Plan", verbose_name=_("plans"), blank=True, related_name="mailboxes"
    )
    poll_minutes = models.PositiveSmallIntegerField(
        _("read every (minutes)"),
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_POLL_MINUTES)],
        help_text="R-SLA-8",
    )
    is_active = models.BooleanField(_("active"), default=True)
    lease_until = models.DateTimeField(_("being read until"), null=True, blank=True)
    lease_token = models.CharField(max_length=32, blank=True, editable=False)
    last_polled_at = models.DateTimeField(_("last read"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    last_error_at = models.DateTimeField(_("last error at"), null=True, blank=True)

    class Meta:
        verbose_name = _("mailbox")
        verbose_name_plural = _("mailboxes")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(poll_minutes__gte=1, poll_minutes__lte=MAX_POLL_MINUTES),
                name="mailbox_poll_within_two_hours",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} <{self.address}>"


class InboundMail(models.Model):
    """One e-mail as it came from a mailbox: the raw bytes kept first, then what became
    of it. Unique by Message-ID (or by content hash when there is none), so mail read
    twice, after a crash or from two mailboxes, is taken once."""

    class State(models.TextChoices):
        RECEIVED = "received", _("received, not processed yet")
        INGESTED = "ingested", _("on a ticket")
        TRIAGE = "triage", _("unknown sender: waiting for triage")
        QUARANTINED = "quarantined", _("quarantined: could not be processed")
        TOO_LARGE = "too_large", _("over the size limit: bounced")
        IGNORED = "ignored", _("ignored (report or our own mail)")
        DISCARDED = "discarded", _("discarded by a manager")

    ATTENTION = (State.TRIAGE, State.QUARANTINED, State.TOO_LARGE)

    mailbox = models.ForeignKey(
        Mailbox, verbose_name=_("mailbox"), on_delete=models.PROTECT, related_name="mail"
    )
    uid = models.CharField(_("IMAP UID"), max_length=20, blank=True)
    dedupe_key = models.CharField(_("Message-ID or content hash"), max_length=255, unique=True)
    sha256 = models.CharField(_("SHA-256 of the raw bytes"), max_length=64)
    raw = models.BinaryField(_("raw message"))
    # Set when retention or a contact's erasure emptied ``raw``: the row stays, so the
    # same Message-ID read again is still recognised and never becomes a second ticket.
    raw_purged_at = models.DateTimeField(_("raw message removed at"), null=True, blank=True)
    size = models.PositiveIntegerField(_("size (bytes)"))
    received_at = models.DateTimeField(_("arrived at the mailbox"), default=timezone.now)
    fetched_at = models.DateTimeField(_("read at"), default=timezone.now)
    sender = models.CharField(_("from"), max_length=254, blank=True)
    subject = models.CharField(_("subject"), max_length=300, blank=True)
    state = models.CharField(
        _("state"), max_length=12, choices=State.choices, default=State.RECEIVED, db_index=True
    )
    reason = models.CharField(_("why"), max_length=500, blank=True)
    automatic = models.CharField(
        _("automatic mail"), max_length=200, blank=True, help_text=_("Why it is not answered.")
    )
    attempts = models.PositiveSmallIntegerField(_("processing attempts"), default=0)
    ticket = models.ForeignKey(
        "tickets.Ticket",
        verbose_name=_("ticket"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="inbound_mail",
    )
    message = models.OneToOneField(
        "tickets.Message",
        verbose_name=_("message"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="inbound_mail",
    )
    processed_at = models.DateTimeField(_("processed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("inbound e-mail")
        verbose_name_plural = _("inbound e-mail")
        ordering = ["-received_at"]
        indexes = [models.Index(fields=["mailbox", "state"], name="inbound_mailbox_state")]

    def __str__(self) -> str:
        return f"{self.sender}: {self.subject}"[:120]
