"""The customer's satisfaction with a resolved ticket (issue 16, item 6)."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from opiekun.core.models import Timestamped
from opiekun.tickets.models.ticket import Ticket

LOWEST, HIGHEST = 1, 5


class Rating(Timestamped):
    """One rating a ticket: 1 (poor) to 5 (very good) and a comment, given by a contact
    once the ticket is resolved. One to one with the ticket, so a second rating (two
    tabs, the portal and the e-mail link at once) is refused by the database too."""

    class Via(models.TextChoices):
        PORTAL = "portal", _("portal")
        LINK = "link", _("link in an e-mail")
        API = "api", _("API")

    ticket = models.OneToOneField(
        Ticket, verbose_name=_("ticket"), on_delete=models.CASCADE, related_name="rating"
    )
    contact = models.ForeignKey(
        "customers.Contact",
        verbose_name=_("contact"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="ratings",
    )
    score = models.PositiveSmallIntegerField(
        _("rating"), validators=[MinValueValidator(LOWEST), MaxValueValidator(HIGHEST)]
    )
    comment = models.TextField(_("comment"), max_length=2000, blank=True)
    via = models.CharField(_("given through"), max_length=10, choices=Via.choices)

    class Meta:
        verbose_name = _("satisfaction rating")
        verbose_name_plural = _("satisfaction ratings")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(score__gte=LOWEST) & Q(score__lte=HIGHEST),
                name="rating_score_1_to_5",
            )
        ]

    def __str__(self) -> str:
        return f"{self.ticket_id}: {self.score}"
