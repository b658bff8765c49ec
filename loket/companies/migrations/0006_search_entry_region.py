"""The region on each search entry (filled from its company), so that visibility filters
the entry without joining the company.

On SQLite the update trigger of the FTS5 index now fires only when the document changes
(``AFTER UPDATE OF document``), so filling the region does not reindex every document.
"""

import django.db.models.deletion
from django.db import migrations, models

ENTRY = "companies_companysearchentry"
FTS = "companies_search_fts"
UPDATE_TRIGGER = (
    "CREATE TRIGGER companies_search_au AFTER UPDATE {of}ON " + ENTRY + " BEGIN "
    f"INSERT INTO {FTS}({FTS}, rowid, document) VALUES ('delete', old.company_id, old.document);"
    f" INSERT INTO {FTS}(rowid, document) VALUES (new.company_id, new.document); END"
)


def _set_update_trigger(schema_editor, of):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute("DROP TRIGGER IF EXISTS companies_search_au")
        schema_editor.execute(UPDATE_TRIGGER.format(of=of))


def forward(apps, schema_editor):
    _set_update_trigger(schema_editor, "OF document ")
    schema_editor.execute(
        f"UPDATE {ENTRY} SET region_id = (SELECT c.region_id FROM companies_company c"
        f" WHERE c.id = {ENTRY}.company_id)"
    )


def backward(apps, schema_editor):
    _set_update_trigger(schema_editor, "")


def recreate_triggers(apps, schema_editor):
    """Undoing AddField makes SQLite rebuild the table, which drops its triggers: put the
    three triggers of migration 0003 back (the index itself is unchanged)."""
    if schema_editor.connection.vendor != "sqlite":
        return
    for name in ("companies_search_ai", "companies_search_ad", "companies_search_au"):
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}")
    schema_editor.execute(
        f"CREATE TRIGGER companies_search_ai AFTER INSERT ON {ENTRY} BEGIN "
        f"INSERT INTO {FTS}(rowid, document) VALUES (new.company_id, new.document); END"
    )
    schema_editor.execute(
        f"CREATE TRIGGER companies_search_ad AFTER DELETE ON {ENTRY} BEGIN "
        f"INSERT INTO {FTS}({FTS}, rowid, document) VALUES "
        "('delete', old.company_id, old.document); END"
    )
    _set_update_trigger(schema_editor, "")


class Migration(migrations.Migration):
    dependencies = [
        ("companies", "0005_company_created_by_organisation"),
        ("core", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(migrations.RunPython.noop, recreate_triggers),
        migrations.AddField(
            model_name="companysearchentry",
            name="region",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="core.region",
                verbose_name="regio",
            ),
        ),
        migrations.RunPython(forward, backward),
    ]
