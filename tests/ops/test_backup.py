"""bin/backup-db.sh and bin/restore-db.sh against the real PostgreSQL of the test run: a dump of
the test database restored into a new database holds every row, and the scripts refuse what
they should refuse. Each restore target is a database of its own, dropped at the end."""

import contextlib
import os
import shutil
import subprocess
import uuid
from pathlib import Path

import psycopg
import pytest
from django.db import connection

from events.models import Registration
from events.services import registration_create
from programs.models import Program
from tests.conftest import require_service
from tests.factories import EventFactory, ProgramFactory, running_tandem
from tests.support.processes import database_url, free_port

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parents[2]
BACKUP = ROOT / "bin" / "backup-db.sh"
RESTORE = ROOT / "bin" / "restore-db.sh"


def script_env() -> dict:
    # The scripts must take the database from their arguments here, not from the test's own
    # DATABASE_URL (which names the database the test database was made from).
    return {k: v for k, v in os.environ.items() if k != "DATABASE_URL" and not k.startswith("PG")}


def run(*args, env=None) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["bash", *map(str, args)],
        cwd=ROOT,
        env=env or script_env(),
        capture_output=True,
        text=True,
        timeout=180,
    )


@pytest.fixture
def postgres():
    require_service(connection.vendor == "postgresql", "pg_dump needs PostgreSQL (DATABASE_URL)")
    for tool in ("pg_dump", "pg_restore", "psql"):
        require_service(shutil.which(tool) is not None, f"{tool} is not installed")
    return connection.settings_dict


def admin_connection(settings_dict) -> psycopg.Connection:
    return psycopg.connect(database_url({**settings_dict, "NAME": "postgres"}), autocommit=True)


@contextlib.contextmanager
def empty_database(settings_dict, name: str):
    """An empty database of that name beside the test database; its URL. Dropped at the end."""
    with admin_connection(settings_dict) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield database_url({**settings_dict, "NAME": name})
    finally:
        with admin_connection(settings_dict) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def fresh_database(postgres):
    with empty_database(postgres, f"restore_{uuid.uuid4().hex[:12]}") as url:
        yield url


def some_rows():
    """Rows across the apps: programs, people, a tandem with its history, an event with
    registrations; and one program with text and numbers worth comparing after the restore."""
    program = ProgramFactory(
        name="Lesepat:innen Görlitz – „Bücherwürmer“",
        summary="Ehrenamtliche lesen mit Kindern; Zeilen\nmit Umbruch.",
        latitude=51.1528,
        longitude=14.9874,
    )
    running_tandem(program, mentee_name="Jördis")
    running_tandem(ProgramFactory(), mentee_name="Ali")
    event = EventFactory(program=program, capacity=1)
    for n in range(3):
        registration_create(
            event=event, name=f"Person {n}", email=f"p{n}@example.org", consent_version="2026-12"
        )
    return program


def row_counts(url: str) -> dict[str, int]:
    tables = connection.introspection.table_names()
    with psycopg.connect(url) as other:
        return {
            table: other.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]
            for table in tables
        }


def program_row(url: str, pk: int) -> tuple:
    with psycopg.connect(url) as other:
        return other.execute(
            "SELECT name, slug, summary, latitude, longitude, status, created_at"
            " FROM programs_program WHERE id = %s",
            [pk],
        ).fetchone()


def test_backup_restored_into_a_fresh_database_has_every_row(postgres, fresh_database, tmp_path):
    program = some_rows()
    source = database_url(postgres)

    backup = run(BACKUP, "--database", source, tmp_path / "backups")
    restore = run(RESTORE, "--database", fresh_database, backup.stdout.strip())

    assert backup.returncode == 0, backup.stderr
    assert restore.returncode == 0, restore.stderr
    dump = Path(backup.stdout.strip())
    assert dump.parent == tmp_path / "backups"
    assert dump.name.startswith(f"{postgres['NAME']}-") and dump.suffix == ".dump"
    assert dump.stat().st_mode & 0o077 == 0  # personal data: the owner's alone
    counts = row_counts(source)
    assert row_counts(fresh_database) == counts
    assert counts["programs_program"] == 2
    assert counts["events_registration"] == 3
    assert counts["tandems_tandem"] == 2
    assert sum(counts.values()) > 100  # the migrations' vocabularies, sites, content types, ...
    saved = Program.objects.get(pk=program.pk)
    assert program_row(fresh_database, program.pk) == (
        "Lesepat:innen Görlitz – „Bücherwürmer“",
        saved.slug,
        "Ehrenamtliche lesen mit Kindern; Zeilen\nmit Umbruch.",
        51.1528,
        14.9874,
        "published",
        saved.created_at,
    )
    assert Registration.objects.filter(status=Registration.Status.WAITING).count() == 2


def test_restore_refuses_a_database_that_is_not_empty_unless_forced(
    postgres, fresh_database, tmp_path
):
    some_rows()
    dump = run(BACKUP, "--database", database_url(postgres), tmp_path).stdout.strip()
    first = run(RESTORE, "--database", fresh_database, dump)
    with psycopg.connect(fresh_database, autocommit=True) as target:
        target.execute("UPDATE programs_program SET name = 'changed after the restore'")
        target.execute("CREATE TABLE kept_by_force (id int)")

    again = run(RESTORE, "--database", fresh_database, dump)
    with psycopg.connect(fresh_database) as target:
        names_after_refusal = set(target.execute("SELECT name FROM programs_program").fetchall())
    forced = run(RESTORE, "--force", "--database", fresh_database, dump)

    assert first.returncode == 0, first.stderr
    assert again.returncode == 3
    assert "refusing to restore: database restore_" in again.stderr
    assert "is not empty" in again.stderr
    assert names_after_refusal == {("changed after the restore",)}
    assert forced.returncode == 0, forced.stderr
    assert row_counts(fresh_database) == row_counts(database_url(postgres))
    with psycopg.connect(fresh_database) as target:
        names = set(target.execute("SELECT name FROM programs_program").fetchall())
        kept = target.execute("SELECT to_regclass('kept_by_force') IS NOT NULL").fetchone()[0]
    assert names == set(Program.objects.values_list("name"))
    assert kept is True  # --force replaces the dump's objects and leaves others alone


def test_backup_keeps_the_newest_and_takes_database_url_from_the_environment(postgres, tmp_path):
    env = {**script_env(), "DATABASE_URL": database_url(postgres)}

    made = [run(BACKUP, "--keep", "2", tmp_path, env=env) for _ in range(3)]

    assert [result.returncode for result in made] == [0, 0, 0], [r.stderr for r in made]
    paths = [result.stdout.strip() for result in made]
    assert len(set(paths)) == 3
    assert sorted(str(path) for path in tmp_path.iterdir()) == paths[1:]


def test_backup_failure_exits_non_zero_leaves_no_file_and_prints_no_password(postgres, tmp_path):
    (tmp_path / f"{postgres['NAME']}-20260101T000000.000Z.dump").write_bytes(b"an older dump")
    password = "Geheim-Passwort-42"
    url = f"postgres://postgres:{password}@127.0.0.1:{free_port()}/{postgres['NAME']}"

    result = run(BACKUP, "--keep", "1", "--database", url, tmp_path)

    assert result.returncode != 0
    assert "connection to server" in result.stderr
    assert password not in result.stdout + result.stderr
    assert [path.name for path in tmp_path.iterdir()] == [
        f"{postgres['NAME']}-20260101T000000.000Z.dump"
    ]


def test_restore_of_an_unreadable_file_fails_and_leaves_the_database_empty(
    fresh_database, tmp_path
):
    broken = tmp_path / "broken.dump"
    broken.write_bytes(b"PGDMP but not really")

    result = run(RESTORE, "--database", fresh_database, broken)

    assert result.returncode != 0
    with psycopg.connect(fresh_database) as target:
        tables = target.execute(
            "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"
        ).fetchone()[0]
    assert tables == 0


@pytest.fixture
def staging_database(postgres):
    """A second database whose name is the test database's name and "-staging", as `mentoring`
    and `mentoring-staging` on one machine."""
    with empty_database(postgres, f"{postgres['NAME']}-staging") as url:
        yield url


def test_backups_of_two_databases_sharing_a_prefix_each_rotate_only_their_own(
    postgres, staging_database, tmp_path
):
    name = postgres["NAME"]
    # Another database's dumps in the same directory, underscore and all, and a file that only
    # looks like one of ours: none of them is this database's to delete.
    others = [
        f"{name}_staging-20260101T000000.000Z.dump",
        f"{name}-20260101T000000.000Z.dump.partial",
        f"{name}-notes.dump",
    ]
    for other in others:
        (tmp_path / other).write_bytes(b"not ours")
    source = database_url(postgres)

    made = [
        run(BACKUP, "--keep", "1", "--database", url, tmp_path)
        for url in (source, staging_database, source, staging_database, source)
    ]

    assert [result.returncode for result in made] == [0] * 5, [r.stderr for r in made]
    paths = [Path(result.stdout.strip()) for result in made]
    assert [path.name.startswith(f"{name}-staging-") for path in paths] == [
        False, True, False, True, False
    ]  # fmt: skip
    # Each run kept what it had just written, and the newest dump of each database is there.
    assert sorted(path.name for path in tmp_path.iterdir()) == sorted(
        [paths[3].name, paths[4].name, *others]
    )


def test_backup_exits_non_zero_when_an_old_dump_cannot_be_deleted(postgres, tmp_path):
    name = postgres["NAME"]
    olds = [tmp_path / f"{name}-2026010{day}T000000.000Z.dump" for day in (1, 2)]
    for old in olds:
        old.write_bytes(b"an older dump")
    # An rm that refuses the oldest file (a root-owned or immutable file in the real world).
    shims = tmp_path / "bin"
    shims.mkdir()
    (shims / "rm").write_text(
        f'#!/bin/sh\nfor a; do [ "$a" = "{olds[0]}" ] && exit 1; done\nexec /bin/rm "$@"\n'
    )
    (shims / "rm").chmod(0o755)
    env = {**script_env(), "PATH": f"{shims}:{os.environ['PATH']}"}

    result = run(BACKUP, "--keep", "1", "--database", database_url(postgres), tmp_path, env=env)

    assert result.returncode == 1
    assert result.stderr == f"could not delete the old dump {olds[0]}\n"
    new = Path(result.stdout.strip())
    assert sorted(path.name for path in tmp_path.glob("*.dump")) == [olds[0].name, new.name]
