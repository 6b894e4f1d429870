from django.db import migrations

EVENT_TYPES = [
    ("fachkongress", "Fachkongress", "Congress"),
    ("netzwerktreffen", "Netzwerktreffen", "Network meeting"),
    ("fortbildung", "Fortbildung", "Training"),
    ("workshop", "Workshop", "Workshop"),
    ("barcamp", "Barcamp", "Barcamp"),
    ("aktionstag", "Aktionstag", "Day of action"),
    ("online-seminar", "Online-Seminar", "Online seminar"),
    ("stammtisch", "Stammtisch", "Regulars' meeting"),
]
AUDIENCES = [
    ("koordination", "Koordinator:innen", "Coordinators"),
    ("mentorinnen", "Mentor:innen", "Mentors"),
    ("oeffentlichkeit", "Öffentlichkeit", "General public"),
    ("fachpublikum", "Fachpublikum", "Professionals"),
]


def create(apps, schema_editor):
    for model, terms in (("EventType", EVENT_TYPES), ("Audience", AUDIENCES)):
        Model = apps.get_model("events", model)
        for position, (slug, name_de, name_en) in enumerate(terms):
            Model.objects.get_or_create(
                slug=slug, defaults={"name_de": name_de, "name_en": name_en, "position": position}
            )


class Migration(migrations.Migration):
    dependencies = [("events", "0001_events")]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
