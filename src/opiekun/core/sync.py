"""Idempotent writes for reference data (presets, demo): a row is saved only when a
value differs, so loading the same data twice changes nothing, not even updated_at."""

from __future__ import annotations

from collections import Counter
from typing import Any, TypeVar

from django.db import models

M = TypeVar("M", bound=models.Model)


class Tally(Counter[str]):
    """Counts created / updated / deleted rows for the summary a command prints."""

    @property
    def changed(self) -> int:
        return self["created"] + self["updated"] + self["deleted"]

    def summary(self) -> str:
        return ", ".join(f"{self[k]} {k}" for k in ("created", "updated", "deleted"))


def upsert(model: type[M], tally: Tally, lookup: dict[str, Any], values: dict[str, Any]) -> M:
    """Finds the row by ``lookup`` and makes its fields equal ``values``; validates
    before saving so a bad preset value fails with the field named."""
    obj = model._default_manager.filter(**lookup).first()
    if obj is None:
        obj = model(**lookup, **values)
        obj.full_clean(validate_unique=False, validate_constraints=False)
        obj.save()
        tally["created"] += 1
        return obj
    differs = {name: value for name, value in values.items() if getattr(obj, name) != value}
    if differs:
        for name, value in differs.items():
            setattr(obj, name, value)
        obj.full_clean(validate_unique=False, validate_constraints=False)
        obj.save()
        tally["updated"] += 1
    return obj


def prune(queryset: models.QuerySet[Any], tally: Tally, keep: list[int]) -> None:
    """Deletes the rows of ``queryset`` whose id is not in ``keep``."""
    deleted, _ = queryset.exclude(pk__in=keep).delete()
    tally["deleted"] += deleted


def set_m2m(manager: Any, tally: Tally, wanted: list[Any]) -> None:
    current = {obj.pk for obj in manager.all()}
    if current != {obj.pk for obj in wanted}:
        manager.set(wanted)
        tally["updated"] += 1
