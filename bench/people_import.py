"""Benchmark of the people import (issue [2.5]: 5,000 people in under 60 s).

Makes a program with its coordinator in a database of its own, writes three CSV files (2,500
volunteers with consent and § 72a dates, 2,500 mentees of whom half are minors with a guardian,
2,000 tandems between them) and imports each through the engine the browser uses
(tandems/imports.py, with core/tabular.py reading the file): a dry run, the import, and the same
file again (which must change nothing). Prints the seconds of each step.

Run: `.venv/bin/python bench/people_import.py` (SQLite in /tmp by default) or with
`DATABASE_URL=postgres://postgres@127.0.0.1:5432/<db>`; the database is emptied and migrated.
BENCH_PEOPLE (default 5000) changes the number of people.
"""

import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mentoring.settings")
os.environ.setdefault("DATABASE_URL", "sqlite:////tmp/people_import_bench.sqlite3")
PEOPLE = int(os.environ.get("BENCH_PEOPLE", "5000"))


def files(half: int, tandems: int) -> dict[str, str]:
    volunteers = [
        "E-Mail;Name;Geburtsjahr;PLZ;Telefon;Stufe;Einwilligung am;"
        "Führungszeugnis ausgestellt am;Führungszeugnis eingesehen am"
    ]
    for n in range(half):
        volunteers.append(
            f"freiwillige{n}@example.org;Freiwillige {n};{1960 + n % 40};04109;0341 {n};"
            "bereit für Tandem;01.03.2026;01.02.2026;20.02.2026"
        )
    mentees = [
        "Externe ID;Vorname;Geburtsjahr;PLZ;Sorgeberechtigte Person;"
        "Einwilligung Sorgeberechtigte am;Wartet seit"
    ]
    for n in range(half):
        minor = n % 2 == 0
        year = 2014 if minor else 1990
        guardian = f"Elternteil {n};01.03.2026" if minor else ";"
        mentees.append(f"M{n};Kind {n};{year};10115;{guardian};01.03.2026")
    tandem_rows = ["Externe ID;E-Mail Mentor:in;Externe ID Mentee;Status;Beginn"]
    for n in range(tandems):
        tandem_rows.append(f"T{n};freiwillige{n}@example.org;M{n};aktiv;01.04.2026")
    return {
        "freiwillige": "\n".join(volunteers) + "\n",
        "mentees": "\n".join(mentees) + "\n",
        "tandems": "\n".join(tandem_rows) + "\n",
    }


def main() -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("flush", interactive=False, verbosity=0)
    call_command("migrate", verbosity=0)
    from core.tabular import read_table
    from notifications.services import held_back
    from tandems import imports
    from tests.factories import ProgramCoordinatorFactory, ProgramFactory

    program = ProgramFactory(name="Bench-Programm")
    coordinator = ProgramCoordinatorFactory(program=program).user
    half = PEOPLE // 2
    data = files(half, min(2000, half))
    print(
        f"{connection.vendor}: {half} volunteers + {half} mentees = {2 * half} people, "
        f"{min(2000, half)} tandems"
    )
    total = 0.0
    for kind in (imports.VOLUNTEERS, imports.MENTEES, imports.TANDEMS):
        for step, options in (("dry run", {"dry_run": True}), ("import", {}), ("again", {})):
            started = time.perf_counter()
            table = read_table(data[kind].encode())
            with held_back("bench"):
                report = imports.people_import(
                    program=program, kind=kind, table=table, by=coordinator, **options
                )
            seconds = time.perf_counter() - started
            if step == "import":
                total += seconds
            assert not report.errors and not report.failed, (report.errors, report.rows[:3])
            print(f"{kind:12} {step:8} {seconds:6.2f} s  {report.summary()}")
            if step == "again":
                assert report.changes == 0
    print(f"imports of all three files: {total:.2f} s")


if __name__ == "__main__":
    main()
