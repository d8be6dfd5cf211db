"""Reads of the catalog that more than one caller needs."""

from django.db.models import Prefetch, QuerySet

from opiekun.catalog.models import Plan, PlanChannel, ReactionTarget


def public_plans() -> QuerySet[Plan]:
    """Public plans with everything the price list shows, in a fixed number of queries."""
    return (
        Plan.objects.filter(is_public=True)
        .select_related("vendor", "calendar")
        .prefetch_related(
            Prefetch("channels", PlanChannel.objects.select_related("calendar")),
            Prefetch("targets", ReactionTarget.objects.select_related("calendar")),
        )
        .order_by("vendor__code", "code")
    )
