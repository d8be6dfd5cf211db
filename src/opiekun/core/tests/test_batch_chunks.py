"""core.batch.chunks: a table a chunk at a time by key, as the beat jobs walk it (issue
20, item 5). What a chunk's work takes out of the set or adds behind it makes the next
chunk neither skip nor repeat a row, as an OFFSET would."""

from __future__ import annotations

import pytest

from opiekun.core import batch
from opiekun.customers.models import Organisation

pytestmark = pytest.mark.django_db


def test_chunks_walk_by_key_whatever_the_work_changes() -> None:
    made = [Organisation.objects.create(name=f"Org {n}", short_name=f"org-{n}") for n in range(5)]
    seen: list[int] = []
    wanted = Organisation.objects.filter(name__startswith="Org ")
    for chunk in batch.chunks(wanted, 2):
        seen += [o.pk for o in chunk]
        # The work takes the chunk's rows out of the set (an offset would now skip two).
        Organisation.objects.filter(pk__in=[o.pk for o in chunk]).update(name="Done")
    assert seen == [o.pk for o in made]
    ids = Organisation.objects.filter(name="Done").values_list("pk", flat=True)
    assert [len(c) for c in batch.chunks(ids, 2, key=lambda pk: pk)] == [2, 2, 1]
    assert list(batch.chunks(Organisation.objects.none(), 2)) == []
