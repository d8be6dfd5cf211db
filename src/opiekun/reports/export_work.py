"""The worker's part of a report's export (issue 20, item 4), and the expiry of its file.

The task may be delivered twice (``acks_late``): each delivery counts the job's
``attempt`` up, and every progress update is conditional on it, so an earlier run that
finds the number changed stops and the later one writes the file."""

from __future__ import annotations

import logging
import secrets
import tempfile
from typing import Any

from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import F
from django.utils import timezone, translation

from opiekun.core import audit, exports
from opiekun.core.audit import Actor
from opiekun.reports import exportjobs
from opiekun.reports.models import ExportJob

logger = logging.getLogger(__name__)
Status = ExportJob.Status


def perform(job_id: int) -> ExportJob | None:
    """The worker's part: takes the job (a later delivery of the task takes it over from
    an earlier one, which stops at its next chunk), writes the file, marks it ready.
    None when the job is finished or gone, or was taken over."""
    claimed = ExportJob.objects.filter(pk=job_id, status__in=(Status.QUEUED, Status.RUNNING))
    if claimed.update(status=Status.RUNNING, attempt=F("attempt") + 1, done=0) != 1:
        return None  # nothing got updated: the job is finished or gone
    job = ExportJob.objects.get(pk=job_id)
    mine = ExportJob.objects.filter(pk=job.pk, attempt=job.attempt, status=Status.RUNNING)
    try:
        with translation.override(job.language or None):
            name = _write(job, mine)
    except Exception as exc:
        # A fault of ours: logged in full, named on the job, not retried (the requester
        # asks again; a retry loop over a broken report would only repeat it).
        logger.exception("export %s failed", job.pk)
        mine.update(status=Status.FAILED, error=f"{type(exc).__name__}: {exc}"[:500])
        mine.filter(finished_at=None).update(finished_at=timezone.now())
        job.refresh_from_db()
        return job
    if name is None:
        return None
    with transaction.atomic():
        size = default_storage.size(name)
        ready = mine.update(status=Status.READY, file=name, size=size, finished_at=timezone.now())
        if ready != 1:
            # Taken over while the file was saved: the newer run writes its own.
            transaction.on_commit(lambda: default_storage.delete(name))
            return None
        job.refresh_from_db()
        audit.record("export.ready", job, actor=None, rows=job.total, size=size)
    return job


def _write(job: ExportJob, mine: Any) -> str | None:
    table = exportjobs.table_of(job.kind, job.parameters)
    total = len(table.rows)
    if mine.update(total=total) != 1:
        return None
    with tempfile.TemporaryFile() as scratch:
        writer = exports.SheetWriter(job.format, table.key, table.header, scratch)
        chunk = exportjobs.CHUNK
        for start in range(0, total, chunk):
            writer.write(table.rows[start : start + chunk])
            if mine.update(done=min(start + chunk, total)) != 1:
                return None  # taken over by a later delivery
        writer.close()
        scratch.seek(0)
        # A name no one guesses; the file is only ever served after the access check.
        stored = f"exports/{job.pk}-{secrets.token_hex(8)}.{job.format}"
        return default_storage.save(stored, File(scratch, name=stored))


def expire(job: ExportJob, *, actor: Actor = None) -> bool:
    """The retention job's step: the file goes (after commit), the row stays, expired."""
    with transaction.atomic():
        locked = ExportJob.objects.select_for_update().filter(pk=job.pk).first()
        if locked is None or locked.status == Status.EXPIRED:
            return False
        name = locked.file.name
        ExportJob.objects.filter(pk=job.pk).update(status=Status.EXPIRED, file="")
        audit.record("export.expired", locked, actor=actor, size=locked.size)
        if name:
            transaction.on_commit(lambda: default_storage.delete(name))
    return True
