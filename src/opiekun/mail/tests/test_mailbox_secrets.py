"""Mailbox passwords at rest (issue 13): encrypted under a key from the environment,
never echoed into the admin form, encrypted by a data migration for existing rows, and
re-encrypted under a new key by `opiekun secrets rotate`."""

from __future__ import annotations

import importlib
from types import SimpleNamespace

import pytest
from cryptography.fernet import Fernet
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection
from django.test import Client

from opiekun.core import secretbox
from opiekun.core.audit import events_for
from opiekun.mail.models import Mailbox

pytestmark = pytest.mark.django_db
PASSWORD = "imap-Pa55word-of-the-box"


def stored(mailbox: Mailbox) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT password FROM mail_mailbox WHERE id = %s", [mailbox.pk])
        return str(cursor.fetchone()[0])


@pytest.fixture
def mailbox() -> Mailbox:
    return Mailbox.objects.create(
        name="pomoc", address="pomoc@kjm.example", host="h", username="u", password=PASSWORD
    )


@pytest.fixture
def admin_client() -> Client:
    client = Client()
    client.force_login(get_user_model().objects.create_superuser("root", "r@x.example", "pw"))
    return client


def test_the_password_is_encrypted_at_rest(mailbox: Mailbox) -> None:
    raw = stored(mailbox)
    assert PASSWORD not in raw and raw.startswith("fernet:")
    assert Mailbox.objects.get(pk=mailbox.pk).password == PASSWORD


def test_the_admin_never_echoes_the_password(mailbox: Mailbox, admin_client: Client) -> None:
    url = f"/admin/mail/mailbox/{mailbox.pk}/change/"
    page = admin_client.get(url).content.decode()
    assert PASSWORD not in page and stored(mailbox) not in page
    form = {
        "name": "pomoc",
        "address": "pomoc@kjm.example",
        "kind": "support",
        "host": "imap.example",
        "port": "993",
        "security": "ssl",
        "username": "u",
        "password": "",
        "folder": "INBOX",
        "done_folder": "",
        "poll_minutes": "5",
        "is_active": "on",
    }
    kept = admin_client.post(url, form)
    assert kept.status_code == 302, kept.content.decode()[:2000]
    mailbox.refresh_from_db()
    assert (mailbox.host, mailbox.password) == ("imap.example", PASSWORD)
    admin_client.post(url, {**form, "password": "a-new-one"})
    mailbox.refresh_from_db()
    assert mailbox.password == "a-new-one"


def test_the_migration_encrypts_existing_plain_passwords(mailbox: Mailbox) -> None:
    with connection.cursor() as cursor:
        cursor.execute("UPDATE mail_mailbox SET password = %s", ["legacy-plain"])
    migration = importlib.import_module("opiekun.mail.migrations.0002_encrypt_mailbox_passwords")
    # The step uses only the editor's connection; SQLite's editor cannot open in a test's
    # transaction.
    migration.encrypt_existing(apps, SimpleNamespace(connection=connection))
    assert stored(mailbox).startswith("fernet:") and "legacy" not in stored(mailbox)
    assert Mailbox.objects.get(pk=mailbox.pk).password == "legacy-plain"


def test_a_key_is_rotated(mailbox: Mailbox, settings: pytest.FixtureRequest) -> None:
    old = settings.SECRET_BOX_KEYS[0]  # type: ignore[attr-defined]
    new = Fernet.generate_key().decode()
    settings.SECRET_BOX_KEYS = [new, old]  # type: ignore[attr-defined]
    call_command("secrets", "rotate")
    settings.SECRET_BOX_KEYS = [new]  # type: ignore[attr-defined]
    assert Mailbox.objects.get(pk=mailbox.pk).password == PASSWORD
    assert events_for(mailbox).first().kind == "secrets.rotated"  # type: ignore[union-attr]
    settings.SECRET_BOX_KEYS = [old]  # type: ignore[attr-defined]
    with pytest.raises(secretbox.SecretBoxError, match="OPIEKUN_SECRET_BOX_KEY"):
        Mailbox.objects.get(pk=mailbox.pk)
