import textwrap

from django.core.management.base import BaseCommand, CommandError, DjangoHelpFormatter
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from programs.imports import column_help, programs_import

# Exit codes: 0 everything imported (or a clean dry run), 1 the file was rejected (nothing
# written), 3 `--partial` wrote the valid rows and skipped others.
EXIT_SKIPPED = 3


class _HelpFormatter(DjangoHelpFormatter):
    """Keeps the line breaks of the column list in the epilog."""

    def _fill_text(self, text, width, indent):
        return "\n".join(
            textwrap.fill(
                line,
                width,
                initial_indent=indent,
                subsequent_indent=indent + " " * (len(line) - len(line.lstrip()) + 4),
            )
            for line in text.splitlines()
        )


class Command(BaseCommand):
    help = (
        "Import or update programs from a CSV file (UTF-8, with or without BOM; ';' or ',' "
        "between columns; German headers, in any order; only 'Name' and 'Träger' are required). "
        "Several values in one cell are separated by '|' or ';'. An existing program is found by "
        "its slug, its 'Externe ID', its website or its name and postcode, and updated. Nothing "
        "is written when any row is invalid, unless --partial (then exit code 3 when rows were "
        "skipped). See docs/import.md."
    )

    def create_parser(self, prog_name, subcommand, **kwargs):
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.formatter_class = _HelpFormatter
        parser.epilog = "\n".join([_("Columns:"), *column_help()])
        return parser

    def add_arguments(self, parser):
        parser.add_argument("file", help="path of the CSV file (UTF-8, with or without BOM)")
        parser.add_argument(
            "--dry-run", action="store_true", help="check the file and report, write nothing"
        )
        parser.add_argument(
            "--partial",
            action="store_true",
            help="write the valid rows, skip the invalid ones (exit code 3 when any was skipped)",
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
        if report.skipped:
            if report.dry_run:
                message = ngettext(
                    "%(count)s row would be skipped.",
                    "%(count)s rows would be skipped.",
                    report.skipped,
                )
            else:
                message = ngettext(
                    "%(count)s row was skipped.", "%(count)s rows were skipped.", report.skipped
                )
            message %= {"count": report.skipped}
            raise CommandError(message, returncode=EXIT_SKIPPED)
