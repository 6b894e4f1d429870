"""Event.last_ends_at: the end of each event's last occurrence, filled in for existing events."""

from django.db import migrations, models

BATCH = 1000


def fill_last_ends_at(apps, schema_editor):
    from events.occurrences import last_end  # reads only the schedule fields of a row

    Event = apps.get_model("events", "Event")
    changed = []
    fields = ("id", "starts_at", "ends_at", "recurrence", "exdates")
    for event in Event.objects.only(*fields).iterator(chunk_size=BATCH):
        event.last_ends_at = last_end(event)
        changed.append(event)
        if len(changed) == BATCH:
            Event.objects.bulk_update(changed, ["last_ends_at"])
            changed = []
    Event.objects.bulk_update(changed, ["last_ends_at"])


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0003_registration_reminders"),
    ]

    operations = [
        migrations.AddField(
            model_name="event",
            name="last_ends_at",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.RunPython(fill_last_ends_at, migrations.RunPython.noop, elidable=True),
    ]
