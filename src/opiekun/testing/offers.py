"""An open top-up offer to customer A (issue 21, item 4), as the beat would make one, for
the access walks: only staff may withdraw it and only A's buyers answer it."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from opiekun.catalog.models import Plan
from opiekun.contracts.models import TopUpOffer
from opiekun.testing.personas import Personas


def a_offer(p: Personas) -> TopUpOffer:
    assert p.contract_a is not None
    return TopUpOffer.objects.create(
        organisation=p.org_a,
        contract=p.contract_a,
        plan=Plan.objects.get(code="KJM-PACKAGE"),
        origin="forecast",
        packages=1,
        minutes=180,
        used_minutes=180,
        left_minutes=0,
        need_minutes=180,
        covers_until=dt.date(2099, 1, 1),
        expires_at=timezone.now() + dt.timedelta(days=14),
    )
