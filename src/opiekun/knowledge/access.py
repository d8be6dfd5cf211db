"""Who reads what. Staff see every article and thread. A contact sees the published
articles of the vendors its organisation has a contract in force with, and the forum of
the vendors whose plan opens the forum channel (R-CH-1). Anything else is a 404."""

from __future__ import annotations

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from opiekun.catalog.choices import Channel
from opiekun.catalog.models import Vendor
from opiekun.contracts.models import Contract
from opiekun.contracts.queries import IN_FORCE
from opiekun.core.access import is_staff_member, organisation_id_of
from opiekun.knowledge.models import Article, ForumThread

User = AbstractBaseUser | AnonymousUser


def _contracts_in_force(organisation_id: int) -> QuerySet[Contract]:
    today = timezone.localdate()
    return Contract.objects.filter(
        organisation_id=organisation_id, status__in=IN_FORCE, starts_on__lte=today
    ).filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today))


def reading_vendors(user: User) -> QuerySet[Vendor]:
    """The vendors whose knowledge base the user may read."""
    if is_staff_member(user):
        return Vendor.objects.all()
    org_id = organisation_id_of(user)
    if org_id is None:
        return Vendor.objects.none()
    plans = _contracts_in_force(org_id).values("plan__vendor")
    return Vendor.objects.filter(pk__in=plans)


def forum_vendors(user: User) -> QuerySet[Vendor]:
    """The vendors whose community forum the user may read and write in."""
    if is_staff_member(user):
        return Vendor.objects.all()
    org_id = organisation_id_of(user)
    return Vendor.objects.none() if org_id is None else forum_vendors_of(org_id)


def forum_vendors_of(organisation_id: int) -> QuerySet[Vendor]:
    plans = _contracts_in_force(organisation_id).filter(plan__channels__channel=Channel.FORUM)
    return Vendor.objects.filter(pk__in=plans.values("plan__vendor"))


def visible_articles(user: User) -> QuerySet[Article]:
    if is_staff_member(user):
        return Article.objects.all()
    return Article.objects.filter(status=Article.Status.PUBLISHED, vendor__in=reading_vendors(user))


def article_for(user: User, article_id: int) -> Article:
    found = visible_articles(user).select_related("vendor", "product").filter(pk=article_id)
    article = found.first()
    if article is None:
        raise Http404("No such article")
    return article


def visible_threads(user: User) -> QuerySet[ForumThread]:
    if is_staff_member(user):
        return ForumThread.objects.all()
    return ForumThread.objects.filter(vendor__in=forum_vendors(user))


def thread_for(user: User, thread_id: int) -> ForumThread:
    found = visible_threads(user).select_related("vendor", "author__organisation", "ticket")
    thread = found.filter(pk=thread_id).first()
    if thread is None:
        raise Http404("No such thread")
    return thread
