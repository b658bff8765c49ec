"""SQLite: an fts5vocab table over the search index, so that the typo steps of a search
can leave out the commonest trigrams (see loket/companies/search.py). Nothing on
PostgreSQL."""

from django.db import migrations

CREATE = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS companies_search_vocab "
    "USING fts5vocab(companies_search_fts, row)"
)
DROP = "DROP TABLE IF EXISTS companies_search_vocab"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("companies", "0003_search_index")]
    operations = [migrations.RunPython(create, drop)]
