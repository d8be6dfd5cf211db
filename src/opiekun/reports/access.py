"""Permission-checked fetches of disputes (issue 21, item 3): staff see every dispute, a
contact its organisation's (as it sees its statements), anyone else none: 404. And of
report exports (issue 20): the requester's own, every one for a support manager."""

from __future__ import annotations

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet
from django.http import Http404

from opiekun.core.access import is_staff_member, organisation_id_of
from opiekun.reports.models import Dispute, ExportJob


def visible_disputes(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Dispute]:
    if is_staff_member(user):
        return Dispute.objects.all()
    org_id = organisation_id_of(user)
    if org_id is None:
        return Dispute.objects.none()
    return Dispute.objects.filter(organisation_id=org_id)


def dispute_for(user: AbstractBaseUser | AnonymousUser, dispute_id: int) -> Dispute:
    found = (
        visible_disputes(user)
        .select_related("contract", "statement", "line", "work_log__ticket", "raised_by")
        .filter(pk=dispute_id)
        .first()
    )
    if found is None:
        raise Http404("No such dispute")
    return found


def visible_exports(user: AbstractBaseUser | AnonymousUser) -> QuerySet[ExportJob]:
    """A report's export is its requester's; a support manager (who answers for the
    desk's figures) sees everyone's; customers and strangers none (issue 20)."""
    if not is_staff_member(user):
        return ExportJob.objects.none()
    if user.staff_member.is_manager:  # type: ignore[union-attr]
        return ExportJob.objects.all()
    return ExportJob.objects.filter(requested_by=user.pk)


def export_for(user: AbstractBaseUser | AnonymousUser, export_id: int) -> ExportJob:
    found = visible_exports(user).filter(pk=export_id).first()
    if found is None:
        raise Http404("No such export")
    return found
