"""The company search document and its trigram index (see loket/companies/search.py).

SQLite: an FTS5 table with the trigram tokenizer over the document column, kept in step
with ``companies_companysearchentry`` by three triggers (FTS5's external-content pattern).
PostgreSQL: the pg_trgm extension and a GIN ``gin_trgm_ops`` index on the document.

Note for later migrations: SQLite rebuilds a table to alter it, which drops its triggers.
A migration that alters CompanySearchEntry must recreate them (copy ``SQLITE_TRIGGERS``)
and run ``manage.py rebuild_search_index``.
"""

import django.db.models.deletion
from django.db import migrations, models

FTS = "companies_search_fts"
ENTRY = "companies_companysearchentry"

SQLITE_CREATE = [
    f"CREATE VIRTUAL TABLE {FTS} USING fts5("
    f"document, content='{ENTRY}', content_rowid='company_id', tokenize='trigram')",
]
SQLITE_TRIGGERS = [
    f"CREATE TRIGGER companies_search_ai AFTER INSERT ON {ENTRY} BEGIN "
    f"INSERT INTO {FTS}(rowid, document) VALUES (new.company_id, new.document); END",
    f"CREATE TRIGGER companies_search_ad AFTER DELETE ON {ENTRY} BEGIN "
    f"INSERT INTO {FTS}({FTS}, rowid, document) VALUES ('delete', old.company_id, old.document);"
    " END",
    f"CREATE TRIGGER companies_search_au AFTER UPDATE ON {ENTRY} BEGIN "
    f"INSERT INTO {FTS}({FTS}, rowid, document) VALUES ('delete', old.company_id, old.document);"
    f" INSERT INTO {FTS}(rowid, document) VALUES (new.company_id, new.document); END",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS companies_search_ai",
    "DROP TRIGGER IF EXISTS companies_search_ad",
    "DROP TRIGGER IF EXISTS companies_search_au",
    f"DROP TABLE IF EXISTS {FTS}",
]
POSTGRES_CREATE = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    f"CREATE INDEX IF NOT EXISTS companies_search_document_trgm ON {ENTRY} "
    "USING gin (document gin_trgm_ops)",
]
# The extension stays: other indexes may use it, and dropping it needs more rights.
POSTGRES_DROP = ["DROP INDEX IF EXISTS companies_search_document_trgm"]


def create_index(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    statements = {
        "sqlite": SQLITE_CREATE + SQLITE_TRIGGERS,
        "postgresql": POSTGRES_CREATE,
    }.get(vendor, [])
    for sql in statements:
        schema_editor.execute(sql)


def drop_index(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    statements = {"sqlite": SQLITE_DROP, "postgresql": POSTGRES_DROP}.get(vendor, [])
    for sql in statements:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("companies", "0002_sbi_codes")]

    operations = [
        migrations.CreateModel(
            name="CompanySearchEntry",
            fields=[
                (
                    "company",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="search_entry",
                        serialize=False,
                        to="companies.company",
                        verbose_name="bedrijf",
                    ),
                ),
                ("names", models.TextField(blank=True, verbose_name="naam en handelsnamen")),
                ("persons", models.TextField(blank=True, verbose_name="contactpersonen")),
                (
                    "place",
                    models.TextField(
                        blank=True, verbose_name="plaats, gemeente, postcode en KvK-nummer"
                    ),
                ),
                ("document", models.TextField(blank=True, verbose_name="zoekdocument")),
            ],
            options={"verbose_name": "zoekregel", "verbose_name_plural": "zoekindex"},
        ),
        migrations.RunPython(create_index, drop_index),
    ]
