"""What the mail app's own modules below the tasks tell ``receivers``, so that they need
not import the Celery tasks that call them. Inside mail the imports run one way:
receivers -> tasks -> poll -> actions -> ingest -> outbound -> models. ``outbound.queue*``
sends these (a single e-mail goes through the tickets app's ``email_ready``, as every
answer does), inside the transaction that stored the mail; the receiver enqueues the
task once that commits.

``emails_ready``: outbound e-mails ``messages`` were stored with delivery pending (the
acknowledgements of a chunk of new tickets); they leave as one task for them all.

``bounce_due``: the mail ``inbound`` was over the size limit; its sender is told so.

``delivery_failed(message, error)``: an outbound e-mail on a ticket was marked failed
(refused, given up after retries, or bounced); sent once per failure, inside the
transaction that marked it. The notifications app tells its author and the assignee.

``deliveries_failed(failures)``: the same for a batch (the stuck-mail sweep), one
signal for all: ``failures`` is a list of ``(message, error)``.

``receipt_words(ticket, contact)``: asks for the words of a new e-mail ticket's automatic
acknowledgement (the receipt template kept above mail, issue 16). A receiver returns
``(subject, body)``, or False when the contact chose not to receive receipts; with no
answer the mail app's own bilingual text is used. Sent inside the filing transaction."""

from django.dispatch import Signal

emails_ready = Signal()
bounce_due = Signal()
delivery_failed = Signal()
deliveries_failed = Signal()
receipt_words = Signal()
