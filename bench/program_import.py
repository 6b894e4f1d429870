"""Benchmark of the program import with 10,000 rows (issue [2.5]: < 60 s), SQLite and PostgreSQL.

Generates a file of BENCH_IMPORT_ROWS (default 10,000) programs as the network would bring them:
about 1,500 Träger (some new, some spelled a little differently from a known one), two target
groups and topics per row separated by "|" or ";", a postcode the gazetteer knows, a website and
an external id each, every tenth row without a status (a draft, with a warning). Then, on an
empty database of its own for each backend, it times:

- reading the file (core/tabular.py) as CSV and as XLSX;
- the dry run of the 10,000 new rows, then the import (all or nothing);
- the same file again: the dry run and the import, 10,000 unchanged;
- a file with every tenth row changed: the import (1,000 updated).

Prints one line per figure. Run: `.venv/bin/python bench/program_import.py`; SQLite always (a
temporary file), PostgreSQL at BENCH_IMPORT_DATABASE_URL (default
postgres://postgres@127.0.0.1:5432/mentoring_bench_import; the database is dropped and created
anew) unless that is set to "none".
"""

import csv
import io
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ROWS = int(os.environ.get("BENCH_IMPORT_ROWS", "10000"))
POSTGRES_URL = os.environ.get(
    "BENCH_IMPORT_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/mentoring_bench_import"
)
HEADERS = [
    "Name",
    "Träger",
    "Kurzbeschreibung",
    "Beschreibung",
    "Zielgruppen",
    "Themen",
    "Formate",
    "Alter von",
    "Alter bis",
    "Straße",
    "PLZ",
    "Ort",
    "Kontakt E-Mail",
    "Website",
    "Status",
    "Zuletzt geprüft",
    "Externe ID",
]
POSTCODES = [
    ("04109", "Leipzig"),
    ("01067", "Dresden"),
    ("10115", "Berlin"),
    ("20095", "Hamburg"),
    ("80331", "München"),
    ("50667", "Köln"),
    ("60311", "Frankfurt am Main"),
    ("70173", "Stuttgart"),
    ("40213", "Düsseldorf"),
    ("28195", "Bremen"),
    ("30159", "Hannover"),
    ("90402", "Nürnberg"),
    ("99084", "Erfurt"),
    ("39104", "Magdeburg"),
    ("19053", "Schwerin"),
    ("24103", "Kiel"),
]
WORDS = ["Lese", "Lern", "Schüler", "Familien", "Jobs", "Sprach", "Zukunfts", "Start", "Paten"]
ENDS = ["paten", "lotsen", "tandem", "brücke", "mentoring", "freunde"]


def rows(*, changed_every: int = 0) -> list[list[str]]:
    rng = random.Random(7)
    groups = ["kinder", "jugendliche", "familien", "gefluechtete", "studierende", "Senior:innen"]
    topics = ["lesen-und-sprache", "schule-und-lernen", "ausbildung-und-beruf", "Studium"]
    table = []
    for number in range(ROWS):
        postcode, city = POSTCODES[number % len(POSTCODES)]
        organisation = f"{rng.choice(WORDS)}{rng.choice(ENDS)} {city} {number % 1500} e.V."
        if number % 97 == 0:
            organisation = organisation.replace("e.V.", "e. V.")  # the same Träger
        separator = "|" if number % 2 else "; "
        summary = "Ehrenamtliche begleiten Kinder und Jugendliche im Tandem."
        if changed_every and number % changed_every == 0:
            summary = "Neu: " + summary
        table.append(
            [
                f"{rng.choice(WORDS)}{rng.choice(ENDS)} {city} {number}",
                organisation,
                summary,
                "Eine Stunde pro Woche, ein Jahr lang.\nMit Schulung und Begleitung.",
                separator.join(rng.sample(groups, 2)),
                separator.join(rng.sample(topics, 2)),
                "tandem",
                "6",
                "16",
                f"Hauptstraße {number % 200 + 1}",
                postcode,
                city,
                f"kontakt{number}@example.org",
                f"https://programm-{number}.example.org/",
                "" if number % 10 == 0 else "published",
                "07.12.2026" if number % 3 else "2026-12-07",
                f"BENCH-{number:05d}",
            ]
        )
    return table


def csv_bytes(table) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(HEADERS)
    writer.writerows(table)
    return ("\ufeff" + buffer.getvalue()).encode()


def xlsx_bytes(table) -> bytes:
    import openpyxl

    workbook = openpyxl.Workbook()  # not write_only: Excel's files carry their dimension too
    sheet = workbook.active
    sheet.append(HEADERS)
    for row in table:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def timed(label: str, function):
    """Wall time, and the CPU time of this process (the whole work on SQLite; on PostgreSQL
    without the server's share): on a shared machine the second varies less with the load."""
    started, cpu = time.perf_counter(), time.process_time()
    result = function()
    wall, cpu = time.perf_counter() - started, time.process_time() - cpu
    print(f"{label}: {wall:.1f} s (CPU of this process {cpu:.1f} s)", flush=True)
    return result


def child() -> None:
    """One backend: runs with DATABASE_URL set, in a process of its own."""
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    from core.tabular import read_table
    from programs.imports import CREATED, UNCHANGED, UPDATED, programs_import

    call_command("migrate", verbosity=0)
    backend = os.environ["DATABASE_URL"].split(":", 1)[0]
    first, changed = rows(), rows(changed_every=10)
    data = csv_bytes(first)
    table = timed(f"{backend}: read {ROWS:,} rows from CSV", lambda: read_table(data))
    workbook = xlsx_bytes(first)
    timed(f"{backend}: read {ROWS:,} rows from XLSX", lambda: read_table(workbook))

    def run(label, content, dry_run):
        report = timed(
            f"{backend}: {label}",
            lambda: programs_import(file=io.BytesIO(content), dry_run=dry_run),
        )
        counts = {action: report.count(action) for action in (CREATED, UPDATED, UNCHANGED)}
        print(f"    {counts}, rejected: {report.rejected}, written: {report.written}")
        assert not report.rejected, report.lines()[:20]

    run(f"dry run of {ROWS:,} new programs", data, True)
    run(f"import of {ROWS:,} new programs", data, False)
    run("the same file again, dry run", data, True)
    run("the same file again, import (nothing changes)", data, False)
    run(f"import with every tenth of {ROWS:,} rows changed", csv_bytes(changed), False)
    del table


def main() -> int:
    if os.environ.get("BENCH_IMPORT_CHILD"):
        child()
        return 0
    targets = []
    with tempfile.TemporaryDirectory(prefix="mentoring-bench-import-") as directory:
        targets.append(f"sqlite:///{directory}/import.sqlite3")
        if POSTGRES_URL != "none":
            import psycopg

            base, name = POSTGRES_URL.rsplit("/", 1)
            with psycopg.connect(f"{base}/postgres", autocommit=True) as connection:
                connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
                connection.execute(f'CREATE DATABASE "{name}"')
            targets.append(POSTGRES_URL)
        for url in targets:
            env = {
                **os.environ,
                "DJANGO_SETTINGS_MODULE": "mentoring.settings",
                "DATABASE_URL": url,
                "BENCH_IMPORT_CHILD": "1",
                "DEBUG": "false",
                "SECRET_KEY": "bench-only",
                "ALLOWED_HOSTS": "127.0.0.1",
                "LOG_LEVEL": "WARNING",
            }
            subprocess.run([sys.executable, __file__], cwd=ROOT, env=env, check=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
