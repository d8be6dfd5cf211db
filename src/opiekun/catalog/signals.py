"""What the catalog tells the apps above it, without importing them (ARCHITECTURE rule 7).

``plans_changed``: plans (or the calendars they use) changed; open tickets under them
need their deadlines recomputed. Arguments: ``plan_ids`` (sorted list), ``reason``. Sent
inside the change's transaction; tickets connects a receiver (tickets/receivers.py).

``pinning_changed``: a vendor turned "critical outages first" on or off; its open
tickets are re-pinned in the same transaction. Arguments: ``vendor_id``, ``pin``."""

from django.dispatch import Signal

plans_changed = Signal()
pinning_changed = Signal()
