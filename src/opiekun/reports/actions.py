"""Issuing a register (the file, and the record that lets a copy be verified later) and
the customer's approval of a month's register. Each one transaction with its audit event."""

from __future__ import annotations

import datetime as dt
import hashlib

from django.db import transaction
from django.utils import timezone

from opiekun.contracts import locks
from opiekun.contracts.models import Contract
from opiekun.core import audit
from opiekun.core.audit import Actor
from opiekun.customers.models import Contact, Organisation
from opiekun.reports import documents, register, signals
from opiekun.reports.models import IssuedDocument, RegisterApproval
from opiekun.tariff.periods import month_start


def issue_register(
    organisation: Organisation,
    month: dt.date,
    fmt: str,
    *,
    contract: Contract | None = None,
    actor: Actor = None,
    progress: register.Progress | None = None,
) -> tuple[register.Register, bytes, IssuedDocument]:
    """The register of ``month`` as a ``fmt`` file, recorded as issued."""
    if fmt not in documents.FORMATS:
        raise register.RegisterError(
            f"format: {fmt!r} is not one of {', '.join(documents.FORMATS)}"
        )
    made = register.build(organisation, month, contract=contract, progress=progress)
    data = documents.render(made, fmt)
    with transaction.atomic():
        issued = IssuedDocument.objects.create(
            organisation=organisation,
            contract=contract,
            period_start=month_start(month),
            format=fmt,
            filename=documents.filename(made, fmt),
            content_sha256=made.content_hash,
            file_sha256=hashlib.sha256(data).hexdigest(),
            issued_by=audit.acting_user(actor),
        )
        audit.record(
            "register.issued",
            issued,
            actor=actor,
            organisation=organisation,
            month=made.period,
            format=fmt,
            content_sha256=made.content_hash,
        )
        signals.register_issued.send(
            IssuedDocument,
            organisation=organisation,
            period_start=issued.period_start,
            actor=actor,
        )
    return made, data, issued


def approve_register(
    organisation: Organisation, month: dt.date, *, contact: Contact, actor: Actor = None
) -> RegisterApproval:
    """The customer approves the month's register as it stands; the month is closed."""
    start = month_start(month)
    if contact.organisation_id != organisation.pk:
        raise register.RegisterError("organisation: not your organisation's register")
    if start >= month_start(timezone.localdate()):
        raise register.RegisterError(f"period: {start:%Y-%m} is not over yet")
    with transaction.atomic():
        # Built under the lock log_work takes, so the approved hash is of the register as
        # it stands when the month closes, not of one read a moment before (issue 13).
        locks.hold_organisation(organisation.pk)
        made = register.build(organisation, start)
        if RegisterApproval.objects.filter(organisation=organisation, period_start=start).exists():
            raise register.RegisterError(f"period: the register of {start:%Y-%m} is approved")
        approval = RegisterApproval.objects.create(
            organisation=organisation,
            period_start=start,
            content_sha256=made.content_hash,
            approved_by=contact,
        )
        audit.record(
            "register.approved",
            approval,
            actor=actor,
            organisation=organisation,
            month=made.period,
            content_sha256=made.content_hash,
        )
    return approval
