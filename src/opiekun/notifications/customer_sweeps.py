"""The beat's customer notifications: packages that expire soon."""

from __future__ import annotations

from celery import shared_task

from opiekun.notifications import customer_actions


@shared_task(
    name="opiekun.notifications.customer_sweeps.warn_expiring_packages", ignore_result=True
)
def warn_expiring_packages() -> int:
    return customer_actions.warn_expiring()
