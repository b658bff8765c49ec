"""Load the SBI sections and divisions shipped in loket/companies/data/sbi.json."""

import json
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data" / "sbi.json"


def load(apps, schema_editor):
    SbiCode = apps.get_model("companies", "SbiCode")
    rows = json.loads(DATA.read_text(encoding="utf-8"))
    sections = {}
    for row in rows:
        if row.get("section") is None:
            sections[row["code"]] = SbiCode.objects.update_or_create(
                code=row["code"], defaults={"name_nl": row["name_nl"], "name_en": row["name_en"]}
            )[0]
    for row in rows:
        if row.get("section") is not None:
            SbiCode.objects.update_or_create(
                code=row["code"],
                defaults={
                    "name_nl": row["name_nl"],
                    "name_en": row["name_en"],
                    "section": sections[row["section"]],
                },
            )


def unload(apps, schema_editor):
    apps.get_model("companies", "SbiCode").objects.filter(section__isnull=False).delete()
    apps.get_model("companies", "SbiCode").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("companies", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
