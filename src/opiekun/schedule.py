"""What beat sends, and how often: every periodic job of the desk in one table.

Exactly one beat runs; a second one started by mistake does no harm, because every job
claims its rows or its period (ADR 0024, ADR 0025). Pure Python: settings.py builds the
table from the environment's intervals."""

from __future__ import annotations

HOUR = 3600.0
DAY = 86400.0


def beat_schedule(
    *, mail_poll_seconds: int, sla_sweep_seconds: int, ksef_send_seconds: int
) -> dict[str, dict[str, object]]:
    def every(task: str, seconds: float) -> dict[str, object]:
        return {"task": task, "schedule": float(seconds)}

    return {
        "heartbeat": every("opiekun.core.tasks.heartbeat", 60),
        "expire-banks": every("opiekun.contracts.tasks.expire_banks", 300),
        "grant-monthly-banks": every("opiekun.contracts.tasks.grant_monthly_banks", HOUR),
        "topup-offers": every("opiekun.contracts.tasks.make_topup_offers", HOUR),
        "contract-dates": every("opiekun.contracts.tasks.contract_dates", HOUR),
        "maintenance-tickets": every("opiekun.tickets.tasks.create_maintenance_tickets", HOUR),
        "mail-poll": every("opiekun.mail.tasks.poll_due_mailboxes", mail_poll_seconds),
        "mail-stuck-sweep": every("opiekun.mail.tasks.sweep_stuck_mail", 600),
        "package-expiry-notices": every(
            "opiekun.notifications.customer_sweeps.warn_expiring_packages", HOUR
        ),
        "sla-sweep": {
            **every("opiekun.tickets.tasks.sweep_sla", sla_sweep_seconds),
            # A sweep not started within its period is dropped (the next one does its
            # work), and the expiry tells the task which period it was sent for (one run
            # a period).
            "options": {"expires": float(sla_sweep_seconds)},
        },
        # Data lifecycle (ADR 0027): the nightly jobs that trim what is kept.
        "retention": every("opiekun.lifecycle.tasks.apply_retention", DAY),
        "clear-sessions": every("opiekun.lifecycle.tasks.clear_sessions", DAY),
        "ksef-send": every("opiekun.invoicing.tasks.send_pending_invoices", ksef_send_seconds),
    }
