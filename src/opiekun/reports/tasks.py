"""Celery tasks of the reports app: the statement runs the console and the API start."""

from __future__ import annotations

from celery import shared_task

from opiekun.reports import export_work, runs


@shared_task(name="opiekun.reports.tasks.issue_statements", ignore_result=True)
def issue_statements(run_id: int) -> str:
    run = runs.perform(run_id)
    if run is None:
        return "taken or gone"
    return f"{run.done} issued, {run.failed} failed of {run.total}"


@shared_task(name="opiekun.reports.tasks.export_report", ignore_result=True)
def export_report(job_id: int) -> str:
    job = export_work.perform(job_id)
    if job is None:
        return "finished, gone or taken over"
    return f"{job.status}: {job.done} of {job.total} rows"
