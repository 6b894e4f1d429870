from django.db import migrations

from programs import vocabularies

# The expression Django generates for SearchVector("search_text", config="german"); the index
# must match it exactly for PostgreSQL to use it.
SEARCH_INDEX = (
    "CREATE INDEX IF NOT EXISTS programs_program_search_german ON programs_program "
    "USING gin (to_tsvector('german'::regconfig, COALESCE(search_text, '')))"
)


def seed(apps, schema_editor):
    for model_name, terms in [
        ("TargetGroup", vocabularies.TARGET_GROUPS),
        ("Topic", vocabularies.TOPICS),
        ("Format", vocabularies.FORMATS),
        ("FundingBadge", vocabularies.FUNDING_BADGES),
    ]:
        model = apps.get_model("programs", model_name)
        for position, (slug, name_de, name_en) in enumerate(terms):
            model.objects.get_or_create(
                slug=slug, defaults={"name_de": name_de, "name_en": name_en, "position": position}
            )


def create_search_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(SEARCH_INDEX)


def drop_search_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS programs_program_search_german")


class Migration(migrations.Migration):
    dependencies = [("programs", "0001_initial")]

    operations = [
        migrations.RunPython(seed, migrations.RunPython.noop),
        migrations.RunPython(create_search_index, drop_search_index),
    ]
