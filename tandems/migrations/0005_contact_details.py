"""The guardian's contact split into phone and e-mail; the volunteer's phone.

The free-text "guardian's contact" becomes the phone; a value that is an e-mail address moves to
the new e-mail field instead.
"""

import core.text
from django.db import migrations, models


def split_guardian_contact(apps, schema_editor):
    Mentee = apps.get_model("tandems", "Mentee")
    for mentee in Mentee.objects.filter(guardian_phone__contains="@").only("pk", "guardian_phone"):
        Mentee.objects.filter(pk=mentee.pk).update(
            guardian_email=mentee.guardian_phone.strip()[:254], guardian_phone=""
        )


def join_guardian_contact(apps, schema_editor):
    Mentee = apps.get_model("tandems", "Mentee")
    Mentee.objects.filter(guardian_phone="").exclude(guardian_email="").update(
        guardian_phone=models.F("guardian_email")
    )


class Migration(migrations.Migration):
    dependencies = [
        ("tandems", "0004_retention_and_anonymised_mentees"),
    ]

    operations = [
        migrations.AddField(
            model_name="mentee",
            name="guardian_email",
            field=models.EmailField(blank=True, max_length=254, verbose_name="guardian's e-mail"),
        ),
        migrations.RenameField(
            model_name="mentee", old_name="guardian_contact", new_name="guardian_phone"
        ),
        migrations.RunPython(split_guardian_contact, join_guardian_contact),
        migrations.AlterField(
            model_name="mentee",
            name="guardian_phone",
            field=core.text.SingleLineCharField(
                blank=True, max_length=200, verbose_name="guardian's phone"
            ),
        ),
        migrations.AddField(
            model_name="volunteerprofile",
            name="phone",
            field=core.text.SingleLineCharField(
                blank=True,
                help_text="Optional. Only the coordinators of your programs see it.",
                max_length=40,
                verbose_name="phone",
            ),
        ),
    ]
