"""State changes of tickets. Each action is one transaction and writes an audit event.

A package by topic; every public name stays importable as ``opiekun.tickets.actions.X``,
which integrations, scripts and the other apps call."""

# log_work refuses time with the tariff's error; callers have caught it from here.
from opiekun.tariff import BillingError
from opiekun.tickets.actions.assignment import assign, reassign, take, unassign
from opiekun.tickets.actions.base import ANSWER_CHANNELS, HOT01_FIELDS, IntakeError
from opiekun.tickets.actions.bulk import BulkRefused, for_each
from opiekun.tickets.actions.clock import (
    acknowledge_receipt,
    customer_replied,
    promise_answer,
    recompute_deadlines,
    release_awaiting_package,
    start_work,
    wait_for_customer,
)
from opiekun.tickets.actions.corrections import correct_work
from opiekun.tickets.actions.exclusions import note_force_majeure, withdraw_force_majeure
from opiekun.tickets.actions.merging import merge, split
from opiekun.tickets.actions.messages import (
    MAIL_FIELDS,
    add_note,
    answer,
    customer_message,
    inbound_messages,
)
from opiekun.tickets.actions.numbering import next_reference, next_references
from opiekun.tickets.actions.opening import TicketSpec, open_fax_ticket, open_ticket, open_tickets
from opiekun.tickets.actions.organising import (
    delete_response,
    delete_view,
    save_response,
    save_view,
)
from opiekun.tickets.actions.rating import may_rate, rate
from opiekun.tickets.actions.sessions import (
    book_remote_session,
    cancel_session,
    end_call,
    start_call,
)
from opiekun.tickets.actions.status import close, reopen, resolve
from opiekun.tickets.actions.tagging import add_tags, remove_tags, set_tags
from opiekun.tickets.actions.triage import change_severity, repin_vendor_tickets
from opiekun.tickets.actions.work import classify_scope, log_work

__all__ = [
    "ANSWER_CHANNELS",
    "HOT01_FIELDS",
    "MAIL_FIELDS",
    "BillingError",
    "BulkRefused",
    "IntakeError",
    "TicketSpec",
    "acknowledge_receipt",
    "add_note",
    "add_tags",
    "answer",
    "assign",
    "book_remote_session",
    "cancel_session",
    "change_severity",
    "classify_scope",
    "close",
    "correct_work",
    "customer_message",
    "customer_replied",
    "delete_response",
    "delete_view",
    "end_call",
    "for_each",
    "inbound_messages",
    "log_work",
    "may_rate",
    "merge",
    "next_reference",
    "next_references",
    "note_force_majeure",
    "open_fax_ticket",
    "open_ticket",
    "open_tickets",
    "promise_answer",
    "rate",
    "reassign",
    "recompute_deadlines",
    "release_awaiting_package",
    "remove_tags",
    "reopen",
    "repin_vendor_tickets",
    "resolve",
    "save_response",
    "save_view",
    "set_tags",
    "split",
    "start_call",
    "start_work",
    "take",
    "unassign",
    "wait_for_customer",
    "withdraw_force_majeure",
]
