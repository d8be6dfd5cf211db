"""Notifications leave by e-mail after commit, by the worker, once; never for a rolled
back action; only as each person chose (issue 15, item 8)."""

from __future__ import annotations

import pytest
from django.core import mail
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from opiekun.notifications import actions as notification_actions
from opiekun.notifications import tasks
from opiekun.notifications.access import inbox
from opiekun.notifications.models import Kind, Notification
from opiekun.notifications.preferences import Choice
from opiekun.testing.personas import Personas
from opiekun.tickets import actions

pytestmark = pytest.mark.django_db


def test_the_email_leaves_after_commit_once(
    personas: Personas, eager_celery: None, django_capture_on_commit_callbacks
) -> None:
    personas.account_manager.language = "en"
    personas.account_manager.save()
    with django_capture_on_commit_callbacks(execute=False) as queued:
        ticket = actions.open_ticket(
            personas.org_a, channel="phone", subject="Po zatwierdzeniu", actor=personas.agent.user
        )
        notification = Notification.objects.get()
        assert mail.outbox == []  # nothing before the commit
    for callback in queued:
        callback()
    assert [m.to for m in mail.outbox] == [["opiekun@vendor.example"]]
    assert mail.outbox[0].subject == f"[{ticket.reference}] New ticket: Po zatwierdzeniu"
    assert f"/console/tickets/{ticket.pk}/" in mail.outbox[0].body
    assert mail.outbox[0].extra_headers["Auto-Submitted"] == "auto-generated"
    notification.refresh_from_db()
    assert notification.emailed_at is not None
    # The task delivered again (a worker restart, a duplicate): no second e-mail.
    assert tasks.email_notification(notification.pk) is False
    assert len(mail.outbox) == 1


def test_nothing_is_stored_or_sent_when_the_action_rolls_back(
    personas: Personas, eager_celery: None, django_capture_on_commit_callbacks
) -> None:
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        actions.open_ticket(personas.org_a, channel="phone", subject="Wycofane")
        assert Notification.objects.count() == 1
        raise RuntimeError("the action failed after telling")
    assert not Notification.objects.exists()
    assert mail.outbox == []


def test_a_failed_send_gives_the_claim_back_for_the_retry(
    personas: Personas, monkeypatch: pytest.MonkeyPatch
) -> None:
    actions.open_ticket(personas.org_a, channel="phone", subject="Serwer padł")
    notification = Notification.objects.get()

    def refuse(*args: object, **kwargs: object) -> int:
        raise OSError("connection refused")

    monkeypatch.setattr("django.core.mail.EmailMessage.send", refuse)
    with pytest.raises(OSError):
        tasks.email_notification.run(notification.pk)
    notification.refresh_from_db()
    assert notification.emailed_at is None
    monkeypatch.undo()
    assert tasks.email_notification.run(notification.pk) is True
    assert len(mail.outbox) == 1


def test_the_email_reads_in_the_recipients_language(
    personas: Personas, eager_celery: None, django_capture_on_commit_callbacks
) -> None:
    personas.account_manager.language = "pl"
    personas.account_manager.save()
    with django_capture_on_commit_callbacks(execute=True), translation.override("en"):
        ticket = actions.open_ticket(personas.org_a, channel="phone", subject="Po polsku")
    assert mail.outbox[0].subject == f"[{ticket.reference}] Nowe zgłoszenie: Po polsku"


def test_preferences_switch_the_inbox_and_the_email_off(
    personas: Personas, eager_celery: None, django_capture_on_commit_callbacks
) -> None:
    manager = personas.account_manager
    notification_actions.set_preferences(
        manager,
        {Kind.NEW_TICKET: Choice(in_app=False, by_email=True)},
        actor=manager.user,
    )
    with django_capture_on_commit_callbacks(execute=True):
        actions.open_ticket(personas.org_a, channel="phone", subject="Tylko poczta")
    # Kept once (so never twice), but not in the inbox nor the bell.
    assert Notification.objects.get().shown is False
    assert not inbox(manager.user).exists()
    assert [m.to for m in mail.outbox] == [["opiekun@vendor.example"]]

    notification_actions.set_preferences(
        manager, {Kind.NEW_TICKET: Choice(in_app=True, by_email=False)}, actor=manager.user
    )
    with django_capture_on_commit_callbacks(execute=True):
        actions.open_ticket(personas.org_a, channel="phone", subject="Tylko skrzynka")
    assert [n.ticket.subject for n in inbox(manager.user)] == ["Tylko skrzynka"]
    assert len(mail.outbox) == 1

    notification_actions.set_preferences(
        manager, {Kind.NEW_TICKET: Choice(in_app=False, by_email=False)}, actor=manager.user
    )
    with django_capture_on_commit_callbacks(execute=True):
        actions.open_ticket(personas.org_a, channel="phone", subject="Wcale")
    assert Notification.objects.count() == 2 and len(mail.outbox) == 1
    # Other kinds keep their default: on.
    assert Notification.objects.filter(recipient=manager).exclude(kind=Kind.NEW_TICKET).count() == 0


def test_no_email_to_someone_without_an_address_or_inactive(
    personas: Personas, eager_celery: None, django_capture_on_commit_callbacks
) -> None:
    personas.account_manager.user.email = ""
    personas.account_manager.user.save()
    with django_capture_on_commit_callbacks(execute=True):
        actions.open_ticket(personas.org_a, channel="phone", subject="Bez adresu")
    assert Notification.objects.count() == 1 and mail.outbox == []
    personas.account_manager.is_active = False
    personas.account_manager.save()
    actions.open_ticket(personas.org_a, channel="phone", subject="Nieaktywny")
    assert Notification.objects.count() == 1


def test_a_chunk_of_new_tickets_is_told_in_a_few_statements_and_one_task(
    personas: Personas,
    eager_celery: None,
    django_capture_on_commit_callbacks,
) -> None:
    """A poll's chunk opens hundreds of tickets at once: telling their account manager
    costs the same few statements for 3 tickets as for 30, each is told once, and every
    e-mail leaves from one task after commit."""
    few = [actions.open_ticket(personas.org_a, channel="phone", subject=f"A{i}") for i in range(3)]
    many = [
        actions.open_ticket(personas.org_a, channel="phone", subject=f"B{i}") for i in range(30)
    ]
    Notification.objects.all().delete()

    def events(tickets):
        return [
            notification_actions.Event(
                Kind.NEW_TICKET,
                t,
                (personas.account_manager, personas.account_manager),
                f"x:{t.pk}",
            )
            for t in tickets
        ]

    with CaptureQueriesContext(connection) as small:
        notification_actions.notify_many(events(few))
    with CaptureQueriesContext(connection) as large, django_capture_on_commit_callbacks() as queued:
        made = notification_actions.notify_many(events(many))
    assert len(large) == len(small)
    assert len(made) == 30 and len(queued) == 1
    assert Notification.objects.filter(recipient=personas.account_manager).count() == 33
    # Told again (a chunk processed twice): nothing new, nothing sent.
    with django_capture_on_commit_callbacks(execute=True) as again:
        assert notification_actions.notify_many(events(many)) == []
    assert again == []
    queued[0]()
    assert len(mail.outbox) == 30
