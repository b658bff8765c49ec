"""Seed the configurable lists of needs and themes (data migration, reversible)."""

from django.db import migrations

NEEDS = [
    ("innovation", "innovatie", "innovation"),
    ("internationalisation", "internationalisering", "internationalisation"),
    ("management", "management en organisatie", "management and organisation"),
    ("skills", "ondernemersvaardigheden", "entrepreneurial skills"),
    ("capital", "kapitaalbehoefte", "capital need"),
    ("digitalisation", "digitalisering", "digitalisation"),
    ("circular", "circulaire economie", "circular economy"),
    ("social-innovation", "sociale innovatie", "social innovation"),
    ("start", "starten", "start"),
    ("growth", "groei", "growth"),
    ("finance", "financiering", "finance"),
]

THEMES = [
    ("finance", "financiering", "finance"),
    ("export", "export en internationalisering", "export and internationalisation"),
    ("digitalisation", "digitalisering", "digitalisation"),
    ("circular", "circulaire economie", "circular economy"),
    ("smart-manufacturing", "slimme maakindustrie", "smart manufacturing"),
    ("innovation", "innovatie", "innovation"),
    ("starters", "starters", "starters"),
    ("growth", "groei", "growth"),
    ("labour-market", "arbeidsmarkt en personeel", "labour market and staff"),
    ("social-innovation", "sociale innovatie", "social innovation"),
    ("sustainability", "verduurzaming en energie", "sustainability and energy"),
    ("settlement", "vestiging en huisvesting", "settlement and premises"),
]


def seed(apps, schema_editor):
    Need = apps.get_model("core", "Need")
    Theme = apps.get_model("core", "Theme")
    for position, (slug, nl, en) in enumerate(NEEDS):
        Need.objects.update_or_create(
            slug=slug, defaults={"name_nl": nl, "name_en": en, "position": position}
        )
    for position, (slug, nl, en) in enumerate(THEMES):
        Theme.objects.update_or_create(
            slug=slug, defaults={"name_nl": nl, "name_en": en, "position": position}
        )


def unseed(apps, schema_editor):
    apps.get_model("core", "Need").objects.filter(slug__in=[n[0] for n in NEEDS]).delete()
    apps.get_model("core", "Theme").objects.filter(slug__in=[t[0] for t in THEMES]).delete()


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
