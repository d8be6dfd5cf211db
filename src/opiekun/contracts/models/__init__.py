"""The contracts app's models, one module per topic. Django finds them because this package
imports them; every name the old module had is importable from here."""

# Kept in the old module's order, which is the order Django registers the models in.
# isort: off
from opiekun.contracts.models.contracts import Contract, ContractAddOn
from opiekun.contracts.models.banks import HourBank, LedgerEntry
from opiekun.contracts.models.statements import Statement, StatementApproval, StatementLine
from opiekun.contracts.models.quotes import QuoteRequest
from opiekun.contracts.models.licences import LicenceEvent
from opiekun.contracts.models.hour_requests import HourRequest
from opiekun.contracts.models.penalties import PenaltyTerms
from opiekun.contracts.models.topup import TopUpOffer
# isort: on

__all__ = [
    "Contract",
    "ContractAddOn",
    "HourBank",
    "HourRequest",
    "LedgerEntry",
    "LicenceEvent",
    "PenaltyTerms",
    "QuoteRequest",
    "Statement",
    "StatementApproval",
    "StatementLine",
    "TopUpOffer",
]
