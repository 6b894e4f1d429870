from django.db import migrations

NEWS_TAGS = [
    ("mitglied-des-monats", "Mitglied des Monats", "Member of the month"),
    ("arbeitsgruppe", "Arbeitsgruppe", "Working group"),
    ("programm", "Programm", "Program"),
    ("veranstaltung", "Veranstaltung", "Event"),
    ("foerderung", "Förderung", "Funding"),
]


def create(apps, schema_editor):
    NewsTag = apps.get_model("news", "NewsTag")
    for position, (slug, name_de, name_en) in enumerate(NEWS_TAGS):
        NewsTag.objects.get_or_create(
            slug=slug, defaults={"name_de": name_de, "name_en": name_en, "position": position}
        )


class Migration(migrations.Migration):
    dependencies = [("news", "0001_news")]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
