"""What customers are told about (issue 16, item 2): the kinds a contact can choose."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class CustomerKind(models.TextChoices):
    RECEIPT = "receipt", _("receipt of my question")
    ANSWER = "answer", _("an answer to my question")
    WAITING = "waiting", _("a ticket waits for my reply")
    RESOLVED = "resolved", _("a ticket resolved")
    BANK_USAGE = "bank_usage", _("hour bank used at 50, 80 and 100 %")
    PACKAGE_EXPIRY = "package_expiry", _("a package expires in 30 days")
    STATEMENT_READY = "statement_ready", _("a statement ready to approve")
    REGISTER_READY = "register_ready", _("a register ready to approve")
    DISPUTE_ANSWER = "dispute_answer", _("the vendor's answer to my question about a statement")
    TOPUP_OFFER = "topup_offer", _("an offer of hours before my package runs out")
