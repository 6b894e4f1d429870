"""Benchmark of the audit trail's read path: a program's page among many programs' entries.

The trail filters auditlog's table on `additional_data -> 'program'` (a JSON lookup) and orders by
time. This script measures that query (the page's COUNT and its first 50 rows, as
audit.selectors.program_trail builds them) with and without the index
`audit_entry_program_time` (audit/migrations/0001_program_index.py), at several table sizes,
and prints the plan PostgreSQL chose.

Everything happens in one transaction that is rolled back: the bench database keeps nothing.
Run: `make bench` (or `.venv/bin/python bench/audit.py`). Needs PostgreSQL (BENCH_DATABASE_URL).
BENCH_AUDIT_SIZES (default "5000,50000,500000") and BENCH_AUDIT_PROGRAMS (default 200) change
the data; BENCH_REPEAT (default 20) the number of timed runs per figure.
"""

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

_spec = importlib.util.spec_from_file_location(
    "bench_programs", Path(__file__).with_name("programs.py")
)
common = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(common)

SIZES = os.environ.get("BENCH_AUDIT_SIZES", "5000,50000,500000")
PROGRAMS = os.environ.get("BENCH_AUDIT_PROGRAMS", "200")
REPEAT = os.environ.get("BENCH_REPEAT", "20")

MEASURE = r"""
import statistics, sys, time
from datetime import UTC, datetime, timedelta
import django
django.setup()
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from programs.models import Organization, Program
from tandems.models import Mentee
from audit.selectors import program_trail

sizes = [int(size) for size in sys.argv[1].split(",")]
program_count, repeat = int(sys.argv[2]), int(sys.argv[3])
mentee_type = ContentType.objects.get_for_model(Mentee)
start = datetime(2026, 1, 1, tzinfo=UTC)


def timed(function):
    times = []
    for _ in range(repeat):
        began = time.perf_counter()
        function()
        times.append((time.perf_counter() - began) * 1000)
    return statistics.median(times)


# How PostgreSQL reads auditlog's table for the query: which scan, which index.
def plan(queryset) -> str:
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + sql, params)
        lines = [row[0] for row in cursor.fetchall()]
    scans = [
        line.strip().lstrip("-> ").split("  (")[0]
        for line in lines
        if "Scan" in line and "on auditlog_logentry" in line
    ]
    return "; ".join(scans)


def owner(n: int) -> int:
    if n % program_count == 0:
        return program.pk
    if n % program_count == 1 and n < sizes[0] // 10:
        return quiet.pk
    return -(n % program_count)


class Rollback(Exception):
    pass


try:
    with transaction.atomic():
        organization = Organization.objects.create(name="Bench e. V.", slug="bench-audit-org")
        program = Program.objects.create(
            organization=organization, name="Bench", slug="bench-audit-program"
        )
        # A program whose entries are all old: without the index, its newest entries are found
        # only after reading past every other program's newer ones.
        quiet = Program.objects.create(
            organization=organization, name="Bench quiet", slug="bench-audit-quiet"
        )
        made = 0
        for size in sizes:
            for first in range(made, size, 50000):
                LogEntry.objects.bulk_create(
                    [
                        LogEntry(
                            content_type=mentee_type,
                            object_pk=str(n),
                            object_id=n,
                            object_repr=f"Eintrag {n}",
                            action=n % 4,
                            changes={"status": ["waiting", "matched"]} if n % 4 == 1 else None,
                            # One program in focus; the others' ids need not exist: only the
                            # JSON is read.
                            additional_data={"program": owner(n)},
                            timestamp=start + timedelta(minutes=n),
                        )
                        for n in range(first, min(first + 50000, size))
                    ],
                    batch_size=5000,
                )
            made = size
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE auditlog_logentry")
            _filterset, queryset = program_trail(program=program, data=None)
            _filterset, quiet_queryset = program_trail(program=quiet, data=None)
            in_focus, in_quiet = queryset.count(), quiet_queryset.count()

            def figures():
                return (
                    timed(queryset.count),
                    timed(lambda: list(queryset[:50])),
                    timed(lambda: list(quiet_queryset[:50])),
                    plan(queryset[:50]),
                )

            with_index = figures()
            with connection.cursor() as cursor:
                cursor.execute("SAVEPOINT no_index")
                cursor.execute("DROP INDEX audit_entry_program_time")
            without = figures()
            with connection.cursor() as cursor:
                cursor.execute("ROLLBACK TO SAVEPOINT no_index")
            print(
                f"{size} entries ({in_focus} of the program, {in_quiet} of a quiet one): "
                f"with index: count {with_index[0]:.1f} ms, first page {with_index[1]:.1f} ms, "
                f"quiet program's page {with_index[2]:.1f} ms [{with_index[3]}]; "
                f"without: count {without[0]:.1f} ms, first page {without[1]:.1f} ms, "
                f"quiet program's page {without[2]:.1f} ms [{without[3]}]"
            )
        raise Rollback
except Rollback:
    pass
"""


def main() -> int:
    common.ensure_database()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "mentoring.settings",
        "DEBUG": "true",
        "DATABASE_URL": common.DATABASE_URL,
        "LOG_LEVEL": "WARNING",
    }
    common.run(common.PYTHON, "manage.py", "migrate", "-v0", env=env)
    print(f"audit trail of one program among {PROGRAMS}; median of {REPEAT} runs; PostgreSQL")
    subprocess.run(
        [common.PYTHON, "-c", MEASURE, SIZES, PROGRAMS, REPEAT],
        cwd=common.ROOT,
        env=env,
        check=True,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
