"""The forgiving program search on PostgreSQL: pg_trgm and unaccent, the folding functions of
core/search.py and a trigram GIN index on the folded search text (programs/filters.py's
`program_search_key`). Nothing on SQLite (core/search.py registers the functions there on every
connection). The functions are shared with the people search (tandems 0008): created here too
with CREATE OR REPLACE, so either migration may run first, and left in place on reversal."""

from django.contrib.postgres.operations import TrigramExtension, UnaccentExtension
from django.db import migrations

from core import search

INDEX = "programs_program_search_trigram"
# core.search.index_sql's form over programs/filters.py's program_search_key(): the folded search
# text without gender colons and stars (Ungendered).
INDEX_SQL = (
    f'CREATE INDEX IF NOT EXISTS "{INDEX}" ON "programs_program" USING gin '
    f"({search.FOLD_FUNCTION}((replace(replace(\"search_text\", ':', ''), '*', ''))) gin_trgm_ops) "
    "WITH (fastupdate = off)"
)


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
    schema_editor.execute(INDEX_SQL)


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
