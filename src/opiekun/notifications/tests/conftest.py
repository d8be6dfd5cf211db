from __future__ import annotations

from collections.abc import Iterator

import pytest

from opiekun.celery import app
from opiekun.staff import actions as staff_actions
from opiekun.staff.models import StaffMember
from opiekun.testing.personas import PASSWORD


@pytest.fixture
def eager_celery() -> Iterator[None]:
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = False


@pytest.fixture
def colleague(db: None) -> StaffMember:
    """A third agent: neither the actor nor anyone's account manager."""
    return staff_actions.create_staff_member(
        "c-kolega", full_name="Cezary Kolega", email="kolega@vendor.example", password=PASSWORD
    )
