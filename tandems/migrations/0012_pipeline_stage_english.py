"""Pipeline stages get an English name; the stages still named as the German defaults get the
English default (a renamed stage keeps an empty one and shows its name)."""

from django.db import migrations, models

# As tandems.services.people.DEFAULT_STAGES had them when this migration was written.
ENGLISH = {
    "eingegangen": "received",
    "Kennenlerngespräch": "introductory talk",
    "Schulung": "training",
    "Führungszeugnis geprüft": "certificate of conduct checked",
    "bereit für Tandem": "ready for a tandem",
}


def name_defaults(apps, schema_editor):
    PipelineStage = apps.get_model("tandems", "PipelineStage")
    for german, english in ENGLISH.items():
        PipelineStage.objects.filter(name=german, name_en="").update(name_en=english)


class Migration(migrations.Migration):
    dependencies = [
        ("tandems", "0011_documents"),
    ]

    operations = [
        migrations.AddField(
            model_name="pipelinestage",
            name="name_en",
            field=models.CharField(
                blank=True,
                help_text="Shown on the English pages and in English e-mails; empty: the name.",
                max_length=100,
                verbose_name="English name",
            ),
        ),
        migrations.RunPython(name_defaults, migrations.RunPython.noop),
    ]
