# Mailbox passwords move from plain text to the secret box (core/secretbox.py, ADR 8).

from django.db import migrations

import opiekun.core.fields


def encrypt_existing(apps, schema_editor):
    """Encrypts every plain password with the first configured key. Raw SQL on purpose:
    the historical model's field would decrypt on read and encrypt on write already."""
    from opiekun.core import secretbox

    table = apps.get_model("mail", "Mailbox")._meta.db_table
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(f"SELECT id, password FROM {table}")  # noqa: S608 (our own table name)
        for pk, stored in cursor.fetchall():
            if not secretbox.is_encrypted(stored):
                cursor.execute(
                    f"UPDATE {table} SET password = %s WHERE id = %s",  # noqa: S608
                    [secretbox.encrypt(stored), pk],
                )


def decrypt_existing(apps, schema_editor):
    from opiekun.core import secretbox

    table = apps.get_model("mail", "Mailbox")._meta.db_table
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(f"SELECT id, password FROM {table}")  # noqa: S608
        for pk, stored in cursor.fetchall():
            cursor.execute(
                f"UPDATE {table} SET password = %s WHERE id = %s",  # noqa: S608
                [secretbox.decrypt(stored), pk],
            )


class Migration(migrations.Migration):

    dependencies = [
        ('mail', '0001_initial'),
    ]

    operations = [
        migrations.AlterField(
            model_name='mailbox',
            name='password',
            field=opiekun.core.fields.EncryptedTextField(verbose_name='password'),
        ),
        migrations.RunPython(encrypt_existing, decrypt_existing),
    ]
