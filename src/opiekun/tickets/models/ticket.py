"""Tickets and the counter behind their reference signs."""

from __future__ import annotations

from django.db import models
from django.db.models import Case, F, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from opiekun.catalog.choices import Channel, Severity
from opiekun.core.models import Timestamped


class ReferenceCounter(models.Model):
    """The last number issued per prefix and year, locked while a ticket takes the next
    one, so reference signs are gap-free and unique across processes."""

    prefix = models.CharField(_("prefix"), max_length=20)
    year = models.PositiveSmallIntegerField(_("year"))
    last = models.PositiveIntegerField(_("last number"), default=0)

    class Meta:
        verbose_name = _("reference counter")
        verbose_name_plural = _("reference counters")
        constraints = [
            models.UniqueConstraint(fields=["prefix", "year"], name="reference_counter_unique")
        ]

    def __str__(self) -> str:
        return f"{self.prefix}/{self.year}: {self.last}"


class Ticket(Timestamped):
    """A question or problem of a customer, with the deadlines its contract gives it.

    Deadlines are indexed columns (reaction_due_at, ack_due_at, next_check_at) so the
    queue and the sweeps are index scans. Form HOT-01 fields (R-CH-5) are kept as typed."""

    class Status(models.TextChoices):
        NEW = "new", _("new")
        ACKNOWLEDGED = "acknowledged", _("acknowledged")
        IN_PROGRESS = "in_progress", _("in progress")
        WAITING_CUSTOMER = "waiting_customer", _("waiting for the customer")
        AWAITING_PACKAGE = "awaiting_package", _("awaiting a package")
        RESOLVED = "resolved", _("resolved")
        CLOSED = "closed", _("closed")
        REOPENED = "reopened", _("reopened")

    OPEN_STATUSES = (
        Status.NEW,
        Status.ACKNOWLEDGED,
        Status.IN_PROGRESS,
        Status.WAITING_CUSTOMER,
        Status.AWAITING_PACKAGE,
        Status.REOPENED,
    )

    class Scope(models.TextChoices):
        UNCLASSIFIED = "unclassified", _("not classified yet")
        IN_SCOPE = "in_scope", _("in scope")
        BILLABLE = "billable", _("billable extra work")
        REFERRED = "referred", _("referred elsewhere")

    class ReturnChannel(models.TextChoices):
        PHONE = "phone", _("phone")
        FAX = "fax", _("fax")
        EMAIL = "email", _("e-mail")
        PORTAL = "portal", _("portal")

    reference = models.CharField(_("reference sign"), max_length=40, unique=True)
    organisation = models.ForeignKey(
        "customers.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="tickets",
    )
    contract = models.ForeignKey(
        "contracts.Contract",
        verbose_name=_("contract"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tickets",
    )
    contact = models.ForeignKey(
        "customers.Contact",
        verbose_name=_("contact"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tickets",
    )
    product = models.ForeignKey(
        "catalog.Product",
        verbose_name=_("product"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tickets",
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    channel_note = models.CharField(
        _("channel note"),
        max_length=300,
        blank=True,
        help_text=_("Why the plan does not open this channel at this hour (R-CH-1)."),
    )
    free_support_ended_on = models.DateField(
        _("not eligible for free support since"),
        null=True,
        blank=True,
        help_text=_("The customer's free basic support had ended when it arrived (R-CON-5)."),
    )
    severity = models.CharField(
        _("severity"), max_length=10, choices=Severity.choices, default=Severity.NORMAL
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.NEW, db_index=True
    )
    scope = models.CharField(
        _("scope"), max_length=20, choices=Scope.choices, default=Scope.UNCLASSIFIED
    )
    is_open = models.GeneratedField(
        expression=Case(
            When(status__in=[str(s) for s in OPEN_STATUSES], then=Value(True)),
            default=Value(False),
        ),
        output_field=models.BooleanField(),
        db_persist=True,
        verbose_name=_("open"),
    )
    scope_note = models.CharField(_("scope note"), max_length=300, blank=True)
    subject = models.CharField(_("subject"), max_length=300)
    description = models.TextField(_("question"), blank=True)

    # Form HOT-01 (R-CH-5).
    form_date = models.DateField(_("form date"), null=True, blank=True)
    form_sign = models.CharField(_("customer's reference sign"), max_length=100, blank=True)
    requester_name = models.CharField(_("user's full name"), max_length=200, blank=True)
    office_name = models.CharField(_("office name"), max_length=200, blank=True)
    return_channel = models.CharField(
        _("answer by"), max_length=10, choices=ReturnChannel.choices, blank=True
    )
    return_address = models.CharField(_("return phone, fax or e-mail"), max_length=200, blank=True)

    # People.
    assignee = models.ForeignKey(
        "staff.StaffMember",
        verbose_name=_("assignee"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assigned_tickets",
    )
    account_manager = models.ForeignKey(
        "staff.StaffMember",
        verbose_name=_("account manager"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="managed_tickets",
    )
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged_tickets",
        help_text=_("The ticket that took over this one's messages and work."),
    )

    # Clocks (R-SLA-*). Counted in the calendar the plan names for this ticket.
    received_at = models.DateTimeField(_("received at"), default=timezone.now)
    clock_starts_at = models.DateTimeField(_("clock starts at"), null=True, blank=True)
    reaction_due_at = models.DateTimeField(_("reaction due at"), null=True, blank=True)
    ack_due_at = models.DateTimeField(_("acknowledgement due at"), null=True, blank=True)
    answer_promised_at = models.DateTimeField(
        _("answer promised for"), null=True, blank=True, help_text="R-SLA-6"
    )
    next_check_at = models.DateTimeField(
        _("next sweep check at"),
        null=True,
        blank=True,
        help_text=_("When the SLA sweep must look at this ticket next."),
    )
    warn_at = models.DateTimeField(_("warn at"), null=True, blank=True)
    sla_explanation = models.JSONField(_("how the deadlines were set"), default=list, blank=True)
    guaranteed = models.BooleanField(_("reaction guaranteed"), default=False)
    guarantee_note = models.CharField(
        _("why not guaranteed"), max_length=300, blank=True, help_text="R-SLA-5"
    )
    queue_priority = models.PositiveSmallIntegerField(
        _("queue priority"), default=0, help_text=_("Copied from the plan at intake (R-Q-1).")
    )
    # Never null, so both databases sort it the same way through one index (SQLite puts
    # NULLs first, PostgreSQL last): a ticket without a guaranteed reaction sorts by its
    # arrival instead of starving behind every deadline.
    queue_due_at = models.DateTimeField(
        _("queue sort moment"),
        default=timezone.now,
        help_text=_("The reaction deadline, or the arrival when nothing is guaranteed (R-Q-2)."),
    )
    pinned = models.BooleanField(
        _("pinned on top"), default=False, help_text=_("Critical outages go first.")
    )
    paused_minutes = models.PositiveIntegerField(_("paused working minutes"), default=0)
    paused_since = models.DateTimeField(_("paused since"), null=True, blank=True)
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    reacted_at = models.DateTimeField(_("reacted at"), null=True, blank=True)
    # Kept by the clock actions as the ticket reacts, so the SLA report is one aggregate.
    reaction_working_minutes = models.PositiveIntegerField(
        _("reaction in working minutes"),
        null=True,
        blank=True,
        help_text=_("From the clock's start to the reaction, before pauses (R-SLA-1)."),
    )
    reaction_calendar = models.CharField(
        _("reaction counted in calendar"), max_length=200, blank=True
    )
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    reaction_breached = models.BooleanField(_("reaction breached"), default=False)
    ack_breached = models.BooleanField(_("acknowledgement breached"), default=False)
    promise_breached = models.BooleanField(_("promised answer time missed"), default=False)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    warned_at = models.DateTimeField(_("warned at"), null=True, blank=True)
    call_started_at = models.DateTimeField(
        _("call under way since"),
        null=True,
        blank=True,
        help_text=_("A phone ticket's call: ending it logs the phone work."),
    )
    call_taken_by = models.ForeignKey(
        "staff.StaffMember",
        verbose_name=_("call taken by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("ticket")
        verbose_name_plural = _("tickets")
        ordering = ["-received_at"]
        indexes = [
            # The queue (R-Q-1, R-Q-2): open tickets, pinned first, then contract priority,
            # then deadline, then arrival. Led by the generated is_open column rather than
            # a partial index: SQLite cannot match a partial index's literal WHERE against
            # a query's bound parameters, and would sort the whole table instead (ADR 2).
            models.Index(
                F("is_open").desc(),
                F("pinned").desc(),
                F("queue_priority").desc(),
                F("queue_due_at").asc(),
                F("received_at").asc(),
                name="ticket_queue",
            ),
            models.Index(fields=["reaction_due_at"], name="ticket_reaction_due"),
            models.Index(fields=["ack_due_at"], name="ticket_ack_due"),
            models.Index(fields=["next_check_at"], name="ticket_next_check"),
            models.Index(fields=["organisation", "received_at"], name="ticket_org_received"),
            # The SLA report and the dashboards read the tickets received in a period and
            # only these columns: on PostgreSQL the period is an index-only range scan of
            # a narrow index (issue 20: a whole-table scan at 1M tickets). SQLite has no
            # INCLUDE and keeps a plain index on received_at.
            models.Index(
                fields=["received_at"],
                include=[
                    "id",
                    "contract",
                    "organisation",
                    "guaranteed",
                    "reacted_at",
                    "reaction_breached",
                    "reaction_due_at",
                    "reaction_working_minutes",
                    "paused_minutes",
                    "status",
                    "merged_into",
                ],
                name="ticket_received_figures",
            ),
            # The backlog by age (dashboards): the open tickets' arrival and status from
            # a small index. Its condition names the finished statuses, not is_open, so
            # the queue's `WHERE is_open` keeps to ticket_queue and its order.
            models.Index(
                fields=["received_at"],
                include=["status"],
                condition=~Q(status__in=["resolved", "closed"]),
                name="ticket_open_age",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(clock_starts_at__isnull=True)
                | Q(clock_starts_at__gte=F("received_at")),
                name="ticket_clock_after_receipt",
            ),
            models.CheckConstraint(
                condition=Q(reaction_due_at__isnull=True)
                | Q(clock_starts_at__isnull=False, reaction_due_at__gte=F("clock_starts_at")),
                name="ticket_due_after_clock_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference}: {self.subject}"
