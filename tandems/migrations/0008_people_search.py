"""The coordinators' people search on PostgreSQL: pg_trgm and unaccent, the folding functions of
core/search.py and a trigram GIN index on each search key. Nothing on SQLite (core/search.py
registers the functions there on every connection; a search there scans)."""

from django.contrib.postgres.operations import TrigramExtension, UnaccentExtension
from django.db import migrations

from core import search

# (index name, table, columns, phone columns): must match tandems/search.py's keys.
INDEXES = [
    ("search_user_key", "accounts_user", ("name", "email"), ()),
    ("search_profile_key", "tandems_volunteerprofile", ("name",), ("phone",)),
    (
        "search_mentee_key",
        "tandems_mentee",
        ("first_name", "guardian_name", "guardian_email", "reminder_email"),
        ("guardian_phone",),
    ),
]


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            "SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace "
            "WHERE e.extname = 'unaccent'"
        )
        (schema,) = cursor.fetchone()
    for sql in search.postgres_functions_sql(schema):
        schema_editor.execute(sql)
    for name, table, columns, phones in INDEXES:
        schema_editor.execute(search.index_sql(name=name, table=table, columns=columns, phones=phones))


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, *_rest in INDEXES:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')
    schema_editor.execute(f"DROP FUNCTION IF EXISTS {search.FOLD_FUNCTION}(text)")
    schema_editor.execute(f"DROP FUNCTION IF EXISTS {search.DIGITS_FUNCTION}(text)")


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_site_name"),
        ("tandems", "0007_channel_and_consent_method"),
    ]

    operations = [
        TrigramExtension(),
        UnaccentExtension(),
        migrations.RunPython(create, drop, elidable=False),
    ]
