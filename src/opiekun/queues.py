"""Which Celery queue each task goes to, and which tasks may be delivered twice.

Queues are named by kind, so an operator can give each kind workers of its own
(`opiekun worker --queues mail`): a slow IMAP server then never delays a deadline
notice. Every task of the project is listed here; a test fails for one that is not.

``twice_safe`` marks a task whose second run, after the first died half-way or finished
unacknowledged, changes nothing or finishes the first one's work. Only those get
``acks_late`` and ``reject_on_worker_lost``: the broker keeps the message until the task
returns and gives it to another worker when a worker is killed. The others are
acknowledged when they start: a killed worker loses them rather than doing them twice.
Pure Python: settings.py and celery.py both read it (ADR 0024)."""

from __future__ import annotations

from dataclasses import dataclass

MAIL = "mail"
NOTIFICATIONS = "notifications"
EXPORTS = "exports"
DEFAULT = "default"
QUEUES = (MAIL, NOTIFICATIONS, EXPORTS, DEFAULT)


@dataclass(frozen=True)
class Route:
    queue: str
    twice_safe: bool
    why: str


TASKS: dict[str, Route] = {
    # Mail in and out.
    "opiekun.mail.tasks.poll_due_mailboxes": Route(
        MAIL, True, "only queues polls; each poll claims its mailbox's lease"
    ),
    "opiekun.mail.tasks.poll_mailbox": Route(
        MAIL,
        True,
        "the mailbox lease lets one poll in at a time, a message already taken is "
        "recognised by its Message-ID, and a message is marked read on the server only "
        "after its ticket committed",
    ),
    "opiekun.mail.tasks.send_message": Route(
        MAIL,
        True,
        "a message marked sent is not sent again; one killed between the server's answer "
        "and the mark leaves again with the same Message-ID, which receivers drop (the "
        "stuck-mail sweep would resend it anyway, later)",
    ),
    "opiekun.mail.tasks.send_messages": Route(MAIL, True, "each message as in send_message"),
    "opiekun.mail.tasks.sweep_stuck_mail": Route(
        MAIL, True, "claims each stuck message with a conditional update"
    ),
    "opiekun.mail.tasks.send_bounce": Route(
        MAIL, False, "nothing records that the bounce left: a second run bounces again"
    ),
    # Notifications to staff and customers.
    "opiekun.notifications.tasks.email_notification": Route(
        NOTIFICATIONS, True, "claims the notification (emailed_at) before sending"
    ),
    "opiekun.notifications.tasks.email_notifications": Route(
        NOTIFICATIONS, True, "each notification as in email_notification"
    ),
    "opiekun.notifications.customer_tasks.send_notice": Route(
        NOTIFICATIONS, True, "claims the notice (sent_at) before sending"
    ),
    "opiekun.notifications.customer_sweeps.warn_expiring_packages": Route(
        NOTIFICATIONS, True, "one notice per contact and package (a unique key)"
    ),
    "opiekun.tickets.tasks.send_sla_notification": Route(
        NOTIFICATIONS,
        True,
        "skips a notice already marked sent; a worker killed between the send and the "
        "mark sends it again, which tickets/notices.py prefers to never sending it",
    ),
    # Documents.
    "opiekun.reports.tasks.issue_statements": Route(
        EXPORTS,
        True,
        "a run is claimed before it starts, so a second delivery does nothing, and a "
        "month's statement is issued once (a unique original per contract and month)",
    ),
    "opiekun.reports.tasks.export_report": Route(
        EXPORTS,
        True,
        "each delivery takes the job over (its attempt number) and writes the whole file "
        "again; an earlier run still going stops at its next chunk, and a finished job is "
        "not written twice",
    ),
    "opiekun.invoicing.tasks.send_pending_invoices": Route(
        EXPORTS,
        True,
        "claims each KSeF submission before sending (a claim older than 30 minutes is a "
        "dead worker's and is taken over)",
    ),
    "opiekun.invoicing.tasks.issue_approved": Route(
        EXPORTS,
        True,
        "issuing returns the statement's invoice when it exists (one invoice per "
        "statement, decided under the organisation's lock), so a second run makes none",
    ),
    # Periodic jobs and the rest: each claims its rows (ADR 0024).
    "opiekun.core.tasks.heartbeat": Route(DEFAULT, True, "overwrites one row"),
    "opiekun.tickets.tasks.sweep_sla": Route(
        DEFAULT,
        True,
        "claims its period (core.PeriodicRun), and locks the due tickets it handles",
    ),
    "opiekun.lifecycle.tasks.apply_retention": Route(
        DEFAULT, True, "removes what is past its period: a second run finds nothing left"
    ),
    "opiekun.lifecycle.tasks.clear_sessions": Route(
        DEFAULT, True, "deletes expired sessions: a second run finds none"
    ),
    "opiekun.tickets.tasks.recompute_open_deadlines": Route(
        DEFAULT, True, "recomputing a deadline again gives the same deadline"
    ),
    "opiekun.tickets.tasks.create_maintenance_tickets": Route(
        DEFAULT, True, "one run row per contract, task and period (unique)"
    ),
    "opiekun.contracts.tasks.expire_banks": Route(
        DEFAULT, True, "locks each bank and skips a closed one"
    ),
    "opiekun.contracts.tasks.grant_monthly_banks": Route(
        DEFAULT, True, "one bank per contract, kind and month (unique)"
    ),
    "opiekun.contracts.tasks.make_topup_offers": Route(
        DEFAULT,
        True,
        "one open offer per contract (a partial unique constraint): a second run makes "
        "none, and each notice is keyed by its offer",
    ),
    "opiekun.contracts.tasks.contract_dates": Route(
        DEFAULT, True, "locks each contract and checks its status again"
    ),
}


def task_routes() -> dict[str, dict[str, str]]:
    """Celery's task_routes: task name -> its queue."""
    return {name: {"queue": route.queue} for name, route in TASKS.items()}


def task_annotations() -> dict[str, dict[str, bool]]:
    """Celery's task_annotations: late acknowledgement only where a second run is safe."""
    return {
        name: {"acks_late": route.twice_safe, "reject_on_worker_lost": route.twice_safe}
        for name, route in TASKS.items()
    }


def parse_queues(value: str) -> list[str]:
    """``mail,notifications`` -> the queue names; ValueError naming an unknown one."""
    names = [name.strip() for name in value.split(",") if name.strip()]
    unknown = [name for name in names if name not in QUEUES]
    if unknown or not names:
        raise ValueError(
            f"unknown queue {', '.join(unknown) or repr(value)}: use {', '.join(QUEUES)}"
        )
    return names
