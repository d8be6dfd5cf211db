"""What contracts tell the apps above it, without importing them (ARCHITECTURE rule 7).
Each is sent inside the action's transaction, so a receiver's writes commit or roll back
with it; the receivers are connected in the higher apps' ``AppConfig.ready``.

- ``package_granted``: a package was bought for ``contract`` (R-HRS-3: the tickets that
  waited for one go back to the queue). Arguments: ``contract``, ``actor``.
- ``bank_drawn``: work was taken from ``banks`` (hour banks, locked in this transaction);
  the customer may be told how much of each is used. Arguments: ``banks``, ``actor``.
- ``month_closure``: asks whether ``contract``'s month starting ``start`` was closed by an
  approval kept above contracts (the register's). A receiver returns what closed it
  (``"register"``) or ``""``.
- ``licence_dates_changed``: a licence purchase or update was recorded on ``contract``
  (R-CON-5: its open tickets' free-support eligibility is read again). Arguments:
  ``contract``, ``actor``.
- ``ledger_written``: ledger entries of ``bank_ids`` in ``month`` (its first day) were
  written by a bulk insert, which sends no ``post_save`` (the beat's monthly grants);
  the figures kept per month are counted again. Arguments: ``bank_ids``, ``month``.
- ``waiting_for_package``: asks which contracts have tickets waiting for a package
  (R-HRS-3; the tickets live above contracts). A receiver returns a set of contract ids.
- ``topup_offered``: top-up offers were made (issue 21, item 4); the customer is told.
  Arguments: ``offers`` (TopUpOffer rows, with organisation and plan), ``actor``."""

from django.dispatch import Signal

package_granted = Signal()
month_closure = Signal()
licence_dates_changed = Signal()
bank_drawn = Signal()
ledger_written = Signal()
waiting_for_package = Signal()
topup_offered = Signal()
