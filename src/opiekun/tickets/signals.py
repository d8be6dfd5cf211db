"""What tickets tell the apps above it, without importing them (ARCHITECTURE rule 7).

``email_ready``: an outbound e-mail ``message`` was stored with delivery pending (an
answer, an acknowledgement). Sent inside the action's transaction; the mail app's
receiver (mail/receivers.py) sends it once that commits. Pending e-mail is also the
outbox: ``opiekun mail retry`` and the resend action pick it up again."""

from django.dispatch import Signal

email_ready = Signal()
