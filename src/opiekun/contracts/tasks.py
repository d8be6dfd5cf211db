from celery import shared_task

from opiekun.contracts import sweeps


@shared_task(name="opiekun.contracts.tasks.expire_banks", ignore_result=True)
def expire_banks() -> int:
    """Run by beat: banks past their validity lapse (R-HRS-3, R-HRS-4). Idempotent."""
    return sweeps.expire_due()


@shared_task(name="opiekun.contracts.tasks.grant_monthly_banks", ignore_result=True)
def grant_monthly_banks() -> int:
    """Run by beat: this month's allotments and guarantee counters, once. Idempotent."""
    return sweeps.grant_monthly()


@shared_task(name="opiekun.contracts.tasks.contract_dates", ignore_result=True)
def contract_dates() -> int:
    """Run by beat: accepted contracts start, ended ones stop (R-CON-1, R-CON-2)."""
    from opiekun.contracts import actions

    return actions.activate_due() + actions.end_due()


@shared_task(name="opiekun.contracts.tasks.make_topup_offers", ignore_result=True)
def make_topup_offers() -> int:
    """Run by beat: top-up offers from the run-out forecast (issue 21, item 4), and open
    offers past their validity expire. Idempotent: one open offer per contract."""
    from opiekun.contracts import topup

    return len(topup.make_due_offers())
