"""What reports tell the apps above it, without importing them (ARCHITECTURE rule 7).
Each is sent inside the action's transaction; the receivers are connected in the higher
apps' ``AppConfig.ready``.

- ``statement_issued``: ``statement`` (a month's statement or its correction) was issued
  and waits for the customer's approval (R-REG-2). Arguments: ``statement``, ``actor``.
- ``register_issued``: the register of ``period_start`` for ``organisation`` was issued
  (by staff or downloaded by a contact). Arguments: ``organisation``, ``period_start``,
  ``actor``.
- ``statement_sent``: ``statement`` was marked sent to the customer (``statements.send``;
  ``sending`` is the mark). Arguments: ``statement``, ``sending``, ``actor``. The
  customer's notification is the higher app's; work for a worker goes through
  ``transaction.on_commit``.
- ``dispute_changed``: a step of ``dispute`` (``reports.disputes``) was taken: ``step`` is
  ``raised`` (tell the vendor), ``answered``, ``accepted`` or ``rejected`` (tell the
  customer). Arguments: ``dispute``, ``step``, ``actor``.
- ``statement_approved``: the customer approved ``statement`` (``statements.approve``).
  Arguments: ``statement``, ``actor``. Invoicing issues the invoice after the commit when
  the vendor chose so (issue 21, item 1)."""

from django.dispatch import Signal

statement_issued = Signal()
register_issued = Signal()
statement_sent = Signal()
dispute_changed = Signal()
statement_approved = Signal()
