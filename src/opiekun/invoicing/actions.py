"""Issuing the FA(3) invoice of an approved statement, and recording what KSeF said.

The invoice's lines are the statement's lines that carry an amount, copied one for one:
nothing here knows a line's kind beyond its unit, so a line added to statements later
(an SLA penalty credit, with a negative net) becomes an invoice line, a discount, as it
is. Lines without an amount (work entries, hours drawn from a bank) are the statement's
detail, not things sold."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from opiekun.contracts import locks
from opiekun.contracts.models import Statement, StatementApproval, StatementLine
from opiekun.core import audit
from opiekun.core.audit import Actor
from opiekun.core.models import AuditEvent
from opiekun.invoicing import fa3, schema
from opiekun.invoicing import upo as upo_check
from opiekun.invoicing.ksef import Outcome
from opiekun.invoicing.models import Invoice, KsefSubmission
from opiekun.tariff.periods import next_month_start
from opiekun.tickets.actions import next_reference

# A Polish invoice's dates are Polish dates, whatever zone the server runs in.
WARSAW = ZoneInfo("Europe/Warsaw")
HOUR_KINDS = {StatementLine.Kind.OVERAGE, StatementLine.Kind.EMERGENCY}


class InvoiceError(ValueError):
    """An invoice cannot be issued as asked; the message names the field and why, in the
    reader's language (the active one)."""


def _said(exc: fa3.StructureError) -> str:
    fields = {"seller": _("seller"), "buyer": _("buyer"), "vat_rate": _("VAT rate")}
    field = fields.get(exc.field, exc.field)
    sentences = {
        "no_nip": _("%(field)s: %(value)s has no tax id (NIP)"),
        "not_nip": _("%(field)s: %(value)s is not a Polish NIP"),
        "bad_id": _("%(field)s: %(value)s cannot be written as an FA(3) buyer's tax id"),
        "no_address": _("%(field)s: %(value)s has no address"),
        "rate": _("%(field)s: %(value)s%% cannot be written on an FA(3) invoice"),
        "no_lines": _("lines: the statement has no line with an amount"),
    }
    if exc.code not in sentences:
        return str(exc)
    return sentences[exc.code] % {"field": field, "value": exc.value}


def items(statement: Statement) -> list[fa3.Item]:
    out = []
    for line in statement.lines.order_by("position"):
        if line.net is None:
            continue
        out.append(
            fa3.Item(
                description=line.description,
                net=line.net,
                quantity=line.quantity if line.quantity else Decimal(1),
                unit_price=line.unit_price,
                unit="h" if line.kind in HOUR_KINDS else "usł.",
            )
        )
    return out


def _invoiced_predecessor(statement: Statement) -> Invoice | None:
    """The invoice of the nearest statement this one corrects, through the chain: a
    correction of a never-invoiced statement is then an ordinary invoice."""
    earlier = statement.corrects
    while earlier is not None:
        found = Invoice.objects.filter(statement=earlier).first()
        if found is not None:
            return found
        earlier = earlier.corrects
    return None


def document(
    statement: Statement, number: str, now: dt.datetime, first: Invoice | None
) -> fa3.Invoice:
    """The FA(3) data of ``statement``: parties from the vendor and the customer as they
    are now (then copied onto the invoice), lines and rates from the statement."""
    contract = statement.contract
    vendor = contract.plan.vendor
    organisation = contract.organisation
    inv = fa3.Invoice(
        number=number,
        issue_date=now.astimezone(WARSAW).date(),
        service_end=next_month_start(statement.period_start) - dt.timedelta(days=1),
        created_at=now,
        seller=fa3.Party(vendor.legal_name or vendor.name, vendor.tax_id, vendor.address),
        buyer=fa3.Party(
            statement.organisation_name, statement.organisation_tax_id, organisation.address
        ),
        vat_rate=statement.vat_rate,
        currency=statement.currency,
        items=items(statement),
    )
    if first is not None:
        # Fixed Polish wording: the reason is read by the tax office, not by a user.
        inv.correction_reason = (
            f"Korekta rozliczenia {first.statement.number} zestawieniem {statement.number}"
        )
        inv.corrected = fa3.Corrected(
            first.number, first.issue_date, getattr(_submission(first), "ksef_number", "")
        )
        inv.items_before = items(first.statement)
    return inv


def _submission(invoice: Invoice) -> KsefSubmission | None:
    return KsefSubmission.objects.filter(invoice=invoice, state="accepted").first()


def issue(statement: Statement, *, actor: Actor = None) -> Invoice:
    """The invoice of an approved statement; issuing it again returns the same invoice.
    A statement that corrects an invoiced one gets a correcting invoice (KOR)."""
    with transaction.atomic():
        # The same lock statements take: the approval and the invoice are decided under it.
        locks.hold_organisation(statement.contract.organisation_id)
        statement = Statement.objects.select_related(
            "contract__plan__vendor", "contract__organisation", "corrects"
        ).get(pk=statement.pk)
        existing = Invoice.objects.filter(statement=statement).first()
        if existing is not None:
            return existing
        if not StatementApproval.objects.filter(statement=statement).exists():
            raise InvoiceError(
                _("statement: %(number)s is not approved by the customer")
                % {"number": statement.number}
            )
        first = _invoiced_predecessor(statement)
        now = timezone.now()
        vendor = statement.contract.plan.vendor
        year = now.astimezone(WARSAW).year
        number = next_reference(f"FV/{vendor.code.upper()}", year)
        data = document(statement, number, now, first)
        try:
            xml = fa3.build(data)
        except fa3.StructureError as exc:
            raise InvoiceError(_said(exc)) from None
        problems = schema.errors(xml)
        if problems:
            # Never store an invoice KSeF would refuse: the first complaint says what.
            raise InvoiceError(f"FA(3): {problems[0]}")
        net, tax, gross = data.totals
        # Not taxed in Poland (a business buyer abroad): the statement's net is billed and
        # its VAT is not (the statement is a settlement, the invoice decides the tax).
        taxed = data.treatment == fa3.DOMESTIC
        expected = (statement.net, statement.vat, statement.gross) if taxed else (statement.net,)
        if first is None and (net, tax, gross)[: len(expected)] != expected:
            raise InvoiceError(
                _("statement: %(number)s totals differ from its lines with an amount")
                % {"number": statement.number}
            )
        invoice = Invoice.objects.create(
            number=number,
            kind=Invoice.Kind.KOR if first else Invoice.Kind.VAT,
            statement=statement,
            organisation=statement.contract.organisation,
            corrects=first,
            issue_date=data.issue_date,
            issued_at=now,
            issued_by=audit.acting_user(actor),
            seller_name=data.seller.name[:200],
            seller_tax_id=data.seller.tax_id,
            buyer_name=data.buyer.name[:200],
            buyer_tax_id=data.buyer.tax_id,
            currency=statement.currency,
            vat_rate=statement.vat_rate if taxed else Decimal(0),
            net=net,
            vat=tax,
            gross=gross,
            xml=xml.decode("utf-8"),
            xml_sha256=hashlib.sha256(xml).hexdigest(),
        )
        KsefSubmission.objects.create(invoice=invoice)
        audit.record(
            "invoice.issued",
            invoice,
            actor=actor,
            organisation=statement.contract.organisation,
            statement=statement.number,
            invoice_kind=invoice.kind,
            corrects=first.number if first else None,
            gross=str(gross),
        )
    return invoice


def claim(submission_id: int, *, stale_after: dt.timedelta) -> bool:
    """Takes a pending submission (or one whose sender died) for sending; False when
    another worker has it."""
    return bool(claim_many([submission_id], stale_after=stale_after))


def claim_many(submission_ids: list[int], *, stale_after: dt.timedelta) -> list[int]:
    """Takes those of ``submission_ids`` that are pending, or whose claim is older than
    ``stale_after`` (a worker that died mid-send), for sending: locked (``skip_locked``
    on PostgreSQL, so a second beat skips them; SQLite's write lock serialises) and
    marked in one update. Returns the ids this call took."""
    now = timezone.now()
    free = Q(state=KsefSubmission.State.PENDING) | Q(
        state=KsefSubmission.State.SENDING, claimed_at__lt=now - stale_after
    )
    with transaction.atomic():
        taken = list(
            KsefSubmission.objects.select_for_update(skip_locked=True)
            .filter(free, pk__in=submission_ids)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        if taken:
            KsefSubmission.objects.filter(pk__in=taken).update(
                state=KsefSubmission.State.SENDING, claimed_at=now
            )
    return taken


def record_outcome(
    submission_id: int,
    *,
    session_reference: str,
    ksef_number: str = "",
    upo: str = "",
    error: str = "",
    retry: bool = False,
) -> KsefSubmission:
    """What KSeF answered for one invoice: accepted with its number and UPO, rejected
    with its reason, or (``retry``) a failure to reach it, back to pending."""
    (sub,) = record_outcomes(
        [Outcome(submission_id, ksef_number, upo, error)],
        session_reference=session_reference,
        retry=retry,
    )
    return sub


def record_outcomes(
    outcomes: list[Outcome], *, session_reference: str, retry: bool = False
) -> list[KsefSubmission]:
    """``record_outcome`` for a KSeF session's batch, in a fixed number of statements:
    the submissions locked and read with their invoices, one update and one insert of
    the audit events. Checking each receipt against its invoice is per row, but in
    memory."""
    if not outcomes:
        return []
    with transaction.atomic():
        subs = (
            KsefSubmission.objects.select_for_update(of=("self",))
            .select_related("invoice")
            .in_bulk([o.key for o in outcomes])
        )
        done, events = [], []
        for outcome in outcomes:
            sub = subs[outcome.key]
            error = _apply(sub, outcome, session_reference=session_reference, retry=retry)
            done.append(sub)
            event = audit.event(
                f"invoice.ksef_{sub.state}",
                sub.invoice,
                ksef_number=outcome.ksef_number or None,
                error=error[:200] or None,
            )
            event.organisation_id = sub.invoice.organisation_id
            events.append(event)
        KsefSubmission.objects.bulk_update(done, OUTCOME_FIELDS)
        AuditEvent.objects.bulk_create(events)
    return done


OUTCOME_FIELDS = [
    "attempts",
    "session_reference",
    "error",
    "state",
    "ksef_number",
    "upo",
    "accepted_at",
    "claimed_at",
]


def _apply(sub: KsefSubmission, outcome: Outcome, *, session_reference: str, retry: bool) -> str:
    """Sets what ``outcome`` says on ``sub``; returns the error to audit."""
    ksef_number, upo, error = outcome.ksef_number, outcome.upo, outcome.error
    sub.attempts += 1
    sub.session_reference = session_reference[:100]
    sub.error = error[:500]
    wrong = ""
    if ksef_number:
        # The receipt must confirm this invoice as sent (issue 21, item 1).
        sent = sub.invoice.xml.encode("utf-8")
        digest = base64.b64encode(hashlib.sha256(sent).digest()).decode("ascii")
        wrong = upo_check.mismatch(upo, ksef_number=ksef_number, invoice_hash=digest)
    if ksef_number and wrong:
        sub.state = KsefSubmission.State.MISMATCH
        sub.ksef_number = ksef_number
        sub.upo = upo
        sub.error = wrong[:500]
        error = wrong
    elif ksef_number:
        sub.state = KsefSubmission.State.ACCEPTED
        sub.ksef_number = ksef_number
        sub.upo = upo
        sub.accepted_at = timezone.now()
    elif retry:
        sub.state = KsefSubmission.State.PENDING
        sub.claimed_at = None
    else:
        sub.state = KsefSubmission.State.REJECTED
    return error
