import pytest

from opiekun.core import audit
from opiekun.core.models import AppendOnlyError, AuditEvent
from opiekun.testing.personas import Personas

pytestmark = pytest.mark.django_db


def test_audit_events_are_append_only(personas: Personas) -> None:
    event = audit.record("test.happened", personas.org_a, actor=personas.agent.user, why="because")
    assert (event.subject_type, event.subject_id) == (
        "customers.organisation",
        str(personas.org_a.pk),
    )
    assert event.actor == personas.agent.user
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()
    assert audit.events_for(personas.org_a).filter(kind="test.happened").count() == 1
