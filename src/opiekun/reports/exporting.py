"""Requesting a report's export (issue 20, item 4): the job is recorded, audited and
handed to the worker (``reports.tasks.export_report``) once the record is committed."""

from __future__ import annotations

from collections.abc import Mapping

from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from opiekun.core import audit
from opiekun.core.audit import Actor
from opiekun.reports import tasks
from opiekun.reports.exportjobs import ExportError, filename, parameters
from opiekun.reports.models import ExportJob


def request_export(kind: str, fmt: str, given: Mapping[str, str], *, actor: Actor) -> ExportJob:
    """Records the job and hands it to the worker once the record is committed."""
    params = parameters(kind, given)
    if fmt not in ExportJob.Format.values:
        raise ExportError(
            _("format: %(value)s is not one of %(formats)s")
            % {"value": repr(fmt[:20]), "formats": ", ".join(ExportJob.Format.values)}
        )
    user = audit.acting_user(actor)
    if user is None:
        raise ExportError(_("requested_by: an export is asked for by a signed-in person"))
    with transaction.atomic():
        job = ExportJob.objects.create(
            kind=kind,
            format=fmt,
            parameters=params,
            requested_by=user,
            language=translation.get_language() or "",
            filename=filename(kind, params, fmt),
        )
        audit.record("export.requested", job, actor=actor, report=kind, format=fmt, **params)
        transaction.on_commit(lambda: tasks.export_report.delay(job.pk))
    return job
