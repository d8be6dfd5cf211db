"""What tickets tell the apps above it, without importing them (ARCHITECTURE rule 7).

Every signal is sent inside the action's transaction: a receiver's writes commit or roll
back with it, and work for the worker (an e-mail, a notice) is queued with
``transaction.on_commit``, so nothing leaves for a ticket that was never stored.

``email_ready(message)``: an outbound e-mail was stored with delivery pending (an answer,
an acknowledgement). The mail app's receiver (mail/receivers.py) sends it once that
commits. Pending e-mail is also the outbox: ``opiekun mail retry`` and the resend action
pick it up again.

``tickets_opened(tickets, actor)``: new tickets were stored (one, or a poll's chunk).

``customer_wrote(messages, actor)``: customers wrote on tickets (portal, e-mail, phone
notes typed for them); automatic replies (out-of-office) are left out. A new ticket's
first question is among them too: a receiver that wants replies only compares the
message with the ticket's first.

``note_added(message, actor)``: an agent wrote an internal note (it may @mention
colleagues by username).

``answered(message, actor)``: an agent's answer to the customer was stored.

``ticket_changed(ticket_ids, actor)``: what a ticket is searched by changed other than
through a message (its subject, its contact; tickets merged or split).

``ticket_assigned(ticket, assignee, previous, actor)``: the ticket's assignee changed
(``assignee`` None: unassigned).

``status_changed(ticket, status, actor)``: the ticket now waits for the customer or
was resolved, closed or reopened (``status`` the new one); the customer may be told.

``deadline_noticed(notice)``: an SLA notice (a warning or a breach, R-SLA-4, R-SLA-6)
was stored for a staff member; its e-mail is queued already, the notifications app
shows it in the inbox too.

``deadlines_noticed(notices)``: the same for many notices at once (a sweep's pass), so
a receiver can handle them in a fixed number of statements.

``ticket_rated(rating, actor)``: a contact rated a resolved ticket (once a ticket); the
apps above may tell its agent or manager, e.g. about a low score."""

from django.dispatch import Signal

email_ready = Signal()
tickets_opened = Signal()
customer_wrote = Signal()
note_added = Signal()
answered = Signal()
ticket_changed = Signal()
ticket_assigned = Signal()
deadline_noticed = Signal()
deadlines_noticed = Signal()
ticket_rated = Signal()
status_changed = Signal()
