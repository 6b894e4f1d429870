"""The forgiving program search on PostgreSQL: pg_trgm and unaccent, the folding functions of
core/search.py and a trigram GIN index on the folded search text (programs/filters.py's
`program_search_key`). Nothing on SQLite (core/search.py registers the functions there on every
connection). The functions are shared with the people search (tandems 0008): created here too
with CREATE OR REPLACE, so either migration may run first, and left in place on reversal."""

from django.contrib.postgres.operations import TrigramExtension, UnaccentExtension
from django.db import migrations

from core import search

INDEX = "programs_program_search_trigram"


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
    schema_editor.execute(
        search.index_sql(name=INDEX, table="programs_program", columns=("search_text",))
    )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f'DROP INDEX IF EXISTS "{INDEX}"')


class Migration(migrations.Migration):
    dependencies = [("programs", "0006_program_import")]

    operations = [
        TrigramExtension(),
        UnaccentExtension(),
        migrations.RunPython(create, drop, elidable=False),
    ]
