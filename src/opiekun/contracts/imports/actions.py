"""The import itself: read, check, and, when no row has an error and this is not a dry
run, write everything in one transaction through the existing actions. An action that
still refuses (a race with someone typing the same customer in) rolls all of it back
and is reported on its row like the checks."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from opiekun.contracts import actions as contract_actions
from opiekun.contracts import licences
from opiekun.contracts.imports import checking, reading
from opiekun.contracts.imports.checking import Checked, Problem
from opiekun.contracts.models import LicenceEvent
from opiekun.core.audit import Actor
from opiekun.customers import actions as customer_actions
from opiekun.customers.models import Organisation


@dataclass
class Outcome:
    dry_run: bool
    imported: bool = False
    problems: list[Problem] = field(default_factory=list)
    organisations: int = 0
    contacts: int = 0
    contracts: int = 0


class _RolledBack(Exception):
    def __init__(self, problem: Problem) -> None:
        self.problem = problem


def run(data: bytes, filename: str, *, dry_run: bool, actor: Actor = None) -> Outcome:
    outcome = Outcome(dry_run=dry_run)
    try:
        rows = reading.read(data, filename)
    except reading.ImportFileError as exc:
        outcome.problems = [Problem(0, "file", str(exc).split(": ", 1)[-1])]
        return outcome
    checked = checking.check(rows)
    outcome.problems = checked.problems
    outcome.organisations = len(checked.organisations)
    outcome.contacts = len(checked.contacts)
    outcome.contracts = len(checked.contracts)
    if outcome.problems or dry_run:
        return outcome
    try:
        _write(checked, actor)
    except _RolledBack as exc:
        outcome.problems = [exc.problem]
        return outcome
    outcome.imported = True
    return outcome


def _refusal(row: int, column: str, exc: Exception) -> _RolledBack:
    if isinstance(exc, ValidationError):
        message = " ".join(exc.messages)
    elif isinstance(exc, IntegrityError):
        message = _("someone else has just recorded the same; check the file again")
    else:
        message = str(exc).split(": ", 1)[-1]
    return _RolledBack(Problem(row, column, message))


def _write(checked: Checked, actor: Actor) -> None:
    with transaction.atomic():
        organisations: dict[str, Organisation] = {}
        for item in checked.organisations.values():
            try:
                with transaction.atomic():
                    organisations[item.short_name] = customer_actions.create_organisation(
                        item.name,
                        item.short_name,
                        kind=item.kind,
                        email=item.email,
                        phone=item.phone,
                        tax_id=item.tax_id,
                        actor=actor,
                    )
            except (ValidationError, IntegrityError) as exc:
                raise _refusal(item.row, "organisation", exc) from None
        for contact in checked.contacts:
            try:
                with transaction.atomic():
                    customer_actions.add_contact(
                        organisations[contact.organisation],
                        contact.full_name,
                        emails=contact.emails,
                        phones=contact.phones,
                        actor=actor,
                    )
            except (ValidationError, IntegrityError) as exc:
                raise _refusal(contact.row, "contact_name", exc) from None
        for contract in checked.contracts.values():
            _write_contract(contract, organisations[contract.organisation], actor)


def _write_contract(item: checking.ContractIn, organisation: Organisation, actor: Actor) -> None:
    if item.plan is None or item.starts_on is None:  # refused by the check already
        return
    try:
        with transaction.atomic():
            contract = contract_actions.record_active_contract(
                organisation,
                item.plan,
                number=item.number,
                starts_on=item.starts_on,
                seats=item.seats,
                price_net=item.price_net,
                actor=actor,
            )
    except (ValidationError, IntegrityError, contract_actions.ContractError) as exc:
        raise _refusal(item.row, "contract_number", exc) from None
    dates = (
        ("licence_purchased_on", LicenceEvent.Kind.PURCHASE, item.licence_purchased_on),
        ("last_update_on", LicenceEvent.Kind.UPDATE, item.last_update_on),
    )
    for column, kind, on in dates:
        if on is None:
            continue
        try:
            licences.record(contract, kind, on, source="import", actor=actor)
        except licences.LicenceError as exc:
            raise _refusal(item.row, column, exc) from None
