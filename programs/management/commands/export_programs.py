import io

from django.core.management.base import BaseCommand

from programs.exports import programs_export_csv, programs_export_geojson
from programs.models import Program


class Command(BaseCommand):
    help = "Export the published programs as CSV (the import's columns) or GeoJSON."

    def add_arguments(self, parser):
        parser.add_argument("--format", choices=["csv", "geojson"], default="csv")
        parser.add_argument("--output", help="write to this file instead of standard output")
        parser.add_argument(
            "--delimiter", choices=[";", ","], default=";", help="CSV delimiter (default ';')"
        )

    def handle(self, *args, **options):
        buffer = io.StringIO(newline="")
        queryset = Program.objects.published()
        if options["format"] == "geojson":
            programs_export_geojson(queryset=queryset, stream=buffer)
        else:
            programs_export_csv(queryset=queryset, stream=buffer, delimiter=options["delimiter"])
        if options["output"]:
            # With a BOM, Excel opens the CSV as UTF-8.
            encoding = "utf-8-sig" if options["format"] == "csv" else "utf-8"
            with open(options["output"], "w", encoding=encoding, newline="") as file:
                file.write(buffer.getvalue())
        else:
            self.stdout.write(buffer.getvalue(), ending="")
