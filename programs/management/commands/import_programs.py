from django.core.management.base import BaseCommand, CommandError

from programs.imports import programs_import


class Command(BaseCommand):
    help = (
        "Import or update programs from a CSV file (German headers, ';' or ','). Nothing is "
        "written when any row is invalid, unless --partial."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="path of the CSV file (UTF-8, with or without BOM)")
        parser.add_argument(
            "--dry-run", action="store_true", help="check the file and report, write nothing"
        )
        parser.add_argument(
            "--partial", action="store_true", help="write the valid rows, skip the invalid ones"
        )

    def handle(self, *args, **options):
        try:
            with open(options["file"], "rb") as file:
                report = programs_import(
                    file=file, dry_run=options["dry_run"], partial=options["partial"]
                )
        except OSError as error:
            raise CommandError(error) from error
        for line in report.lines():
            self.stdout.write(line)
        if report.rejected:
            raise CommandError(report.summary()[-1])
