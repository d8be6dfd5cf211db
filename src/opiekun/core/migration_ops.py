"""Migration helpers shared by the apps."""

from __future__ import annotations

from typing import Any

from django.db import migrations


def scale_to_integers(model_name: str, *fields: str, places: int = 2) -> migrations.RunPython:
    """Turns decimal columns into integers of 10^-places units (ADR 7), before the
    AlterField that gives them their integer type.

    All columns of a table change in one statement, so a check that ties them together
    (``gross = net + vat``) holds row by row. PostgreSQL changes the type here, with a USING
    that scales (a numeric(4,2) column cannot hold 150 before it is an integer); Django's
    AlterField after it is then a cast of bigint to bigint. SQLite has no column types to
    speak of: the values are scaled in place and AlterField rebuilds the table."""

    def forwards(apps: Any, schema_editor: Any) -> None:
        model = apps.get_model(model_name)
        columns = [model._meta.get_field(name).column for name in fields]
        scale_columns(schema_editor, model._meta.db_table, columns, 10**places)

    # Going back would have to fit scaled values into the old numeric precision first;
    # nothing needs it, so the operation says it cannot be undone rather than half-undo.
    return migrations.RunPython(forwards, elidable=False)


def scale_columns(schema_editor: Any, table: str, columns: list[str], factor: int) -> None:
    quote = schema_editor.quote_name
    names = [quote(c) for c in columns]
    if schema_editor.connection.vendor == "postgresql":
        changes = ", ".join(
            f"ALTER COLUMN {c} TYPE bigint USING round({c} * {factor})::bigint" for c in names
        )
        schema_editor.execute(f"ALTER TABLE {quote(table)} {changes}")
    else:
        changes = ", ".join(f"{c} = ROUND({c} * {factor})" for c in names)
        schema_editor.execute(f"UPDATE {quote(table)} SET {changes}")  # noqa: S608
