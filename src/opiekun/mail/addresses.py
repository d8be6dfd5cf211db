"""Which address takes a plan's mail, for pointing a customer to the e-mail channel."""

from __future__ import annotations

from opiekun.catalog.models import Plan
from opiekun.mail.models import Mailbox


def support_address(plan: Plan) -> str:
    """The plan's own mailbox, else its products', else the vendor's general address
    ('' when the vendor has none)."""
    boxes = Mailbox.objects.filter(is_active=True, kind=Mailbox.Kind.SUPPORT).order_by("name")
    box = boxes.filter(plans=plan).first() or boxes.filter(products__plans=plan).first()
    return box.address if box else plan.vendor.email
