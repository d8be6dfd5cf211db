from celery import shared_task

from opiekun.core import actions


@shared_task(name="opiekun.core.tasks.heartbeat", ignore_result=True)
def heartbeat() -> None:
    """Run by beat every minute; /healthz shows when the worker last did."""
    actions.record_heartbeat("celery")
