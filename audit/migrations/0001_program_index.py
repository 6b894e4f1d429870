"""An index on the program of each audit entry, newest first: the coordinators' trail filters on
`additional_data -> 'program'` and orders by time. auditlog's table belongs to auditlog, so the
index is created here through the schema editor (portable to SQLite) rather than in its Meta.
Measured in bench/audit.py: without it, a program's page reads every entry of every program."""

from django.db import migrations, models
from django.db.models import F
from django.db.models.fields.json import KeyTransform

INDEX = models.Index(
    KeyTransform("program", "additional_data"),
    F("timestamp").desc(),
    F("id").desc(),
    name="audit_entry_program_time",
)


def create_index(apps, schema_editor):
    schema_editor.add_index(apps.get_model("auditlog", "LogEntry"), INDEX)


def drop_index(apps, schema_editor):
    schema_editor.remove_index(apps.get_model("auditlog", "LogEntry"), INDEX)


class Migration(migrations.Migration):
    dependencies = [("auditlog", "0017_add_actor_email")]

    operations = [migrations.RunPython(create_index, drop_index)]
