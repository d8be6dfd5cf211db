"""How agents organise their work: tags on tickets, canned responses, saved queue views."""

from __future__ import annotations

from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from opiekun.core.models import Timestamped
from opiekun.tickets.models.ticket import Ticket


class Tag(Timestamped):
    """A label agents put on tickets ("invoice", "upgrade"). One list for the whole desk,
    not per vendor: staff and organisations are not split by vendor either, and a ticket
    without a contract or product has no vendor to file its tags under. Names are unique
    whatever their case, so "VAT" and "vat" cannot both exist."""

    name = models.CharField(_("name"), max_length=50)
    tickets = models.ManyToManyField(
        Ticket, verbose_name=_("tickets"), related_name="tags", blank=True
    )

    class Meta:
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(Lower("name"), name="tag_name_unique_ci")]

    def __str__(self) -> str:
        return self.name


class CannedResponse(Timestamped):
    """A reusable answer of a vendor, in Polish and English; the contact's language picks
    the text. Placeholders in braces ({contact_name}, {reference}, {deadline}) are filled
    in when it is inserted. Without a vendor it serves every vendor's tickets."""

    vendor = models.ForeignKey(
        "catalog.Vendor",
        verbose_name=_("vendor"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="canned_responses",
    )
    title = models.CharField(_("title"), max_length=200)
    body_pl = models.TextField(_("text in Polish"))
    body_en = models.TextField(_("text in English"))

    class Meta:
        verbose_name = _("canned response")
        verbose_name_plural = _("canned responses")
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title


class SavedView(Timestamped):
    """A named set of queue filters of one agent, private to them."""

    owner = models.ForeignKey(
        "staff.StaffMember",
        verbose_name=_("owner"),
        on_delete=models.CASCADE,
        related_name="saved_views",
    )
    name = models.CharField(_("name"), max_length=100)
    filters = models.JSONField(_("filters"), default=dict, blank=True)

    class Meta:
        verbose_name = _("saved view")
        verbose_name_plural = _("saved views")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "name"], name="saved_view_name_per_owner")
        ]

    def __str__(self) -> str:
        return self.name
