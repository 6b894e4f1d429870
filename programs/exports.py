"""The program directory as files: CSV with the import's columns, and GeoJSON (RFC 7946)."""

import csv
from collections import defaultdict
from collections.abc import Iterator

import orjson
from django.conf import settings
from django.utils.translation import override

from core.spreadsheet import guard_formula
from core.text import multi_line

from .imports import COLUMNS, M2M_FIELDS, MULTI_SEPARATOR, Column
from .models import Program

# The open data download (/programme/export.csv) leaves out the contact person's name, role,
# e-mail and phone: personal data that the program's page shows to visitors, which an open
# licence cannot cover and a bulk file would make easy to harvest. The program's address and
# website stay. Every column is one of the import's, so the file imports again.
PRIVATE_FIELDS = frozenset({"contact_name", "contact_role", "contact_email", "contact_phone"})
PUBLIC_COLUMNS = tuple(column for column in COLUMNS if column.field not in PRIVATE_FIELDS)
# Rows fetched from the database at a time: memory stays bounded for any number of programs.
CHUNK_SIZE = 1000


def data_license() -> dict:
    """The licence and attribution the operator set for the open program data."""
    return {
        "license": settings.DATA_LICENSE,
        "licenseUrl": settings.DATA_LICENSE_URL,
        "attribution": settings.DATA_ATTRIBUTION,
    }


def _export_queryset(queryset):
    return (
        queryset.select_related("organization")
        .prefetch_related(*M2M_FIELDS)
        .order_by("name", "slug")
    )


def _export_cell(program: Program, column: Column, delimiter: str) -> str:
    if column.kind == "organization":
        value = program.organization.name
    elif column.kind == "vocabulary":
        value = MULTI_SEPARATOR.join(term.slug for term in getattr(program, column.field).all())
    else:
        value = getattr(program, column.field)
    return _format(value, column, delimiter)


def _format(value, column: Column, delimiter: str) -> str:
    if value is None:
        return ""
    if column.kind == "int":
        return str(value)
    if column.kind == "float":
        # German Excel reads "51,34" as a number in a ";" file.
        return repr(value).replace(".", ",") if delimiter == ";" else repr(value)
    if column.kind == "date":
        return value.isoformat()
    return guard_formula(value)


def programs_export_csv(*, queryset, stream, delimiter: str = ";") -> int:
    """Write the programs with the import's columns to a text stream; returns their number."""
    writer = csv.writer(stream, delimiter=delimiter)
    writer.writerow([column.header for column in COLUMNS])
    count = 0
    for program in _export_queryset(queryset):
        writer.writerow([_export_cell(program, column, delimiter) for column in COLUMNS])
        count += 1
    return count


def programs_export_geojson(*, queryset, stream) -> int:
    """Write the programs as an RFC 7946 FeatureCollection with the features of the map's feed
    (programs/geojson.py), with absolute URLs; returns their number."""
    features = []
    with override(settings.LANGUAGE_CODE):
        for program in queryset.select_related("organization").order_by("name", "slug"):
            geometry = None
            if program.has_location:
                coordinates = [round(program.longitude, 5), round(program.latitude, 5)]
                geometry = {"type": "Point", "coordinates": coordinates}
            features.append(
                {
                    "type": "Feature",
                    "id": program.slug,
                    "geometry": geometry,
                    "properties": {
                        "name": program.name,
                        "url": settings.SITE_URL + program.get_absolute_url(),
                        "organization": program.organization.name,
                        "place": program.city,
                        "availability": program.availability,
                        "reach": program.reach,
                    },
                }
            )
    collection = {"type": "FeatureCollection", **data_license(), "features": features}
    stream.write(orjson.dumps(collection).decode())
    stream.write("\n")
    return len(features)


class _Line:
    """A file-like object whose write() hands the CSV line back, for streaming."""

    def write(self, line: str) -> str:
        return line


def _terms_by_program(queryset, field: str) -> dict[int, list[str]]:
    """The vocabulary slugs of the given programs, in the vocabulary's order: one query."""
    relation = getattr(Program, field)
    through = relation.through
    target = relation.field.m2m_reverse_field_name()
    rows = (
        through.objects.filter(program_id__in=queryset.values("pk"))
        .order_by(f"{target}__position", f"{target}__name_de")
        .values_list("program_id", f"{target}__slug")
    )
    terms = defaultdict(list)
    for program_id, slug in rows:
        terms[program_id].append(slug)
    return terms


def public_programs_csv_lines(*, queryset, delimiter: str = ";") -> Iterator[str]:
    """The programs of `queryset` (already filtered to the published ones) as CSV lines with the
    public import columns, in the queryset's order, for a streaming response: a byte order mark
    for Excel, then the header row, then a row per program. A fixed number of queries (one per
    vocabulary, one for the rows, read in chunks), whatever the number of programs."""
    vocabularies = {field: _terms_by_program(queryset, field) for field in M2M_FIELDS}
    scalar = [c.field for c in PUBLIC_COLUMNS if c.kind not in ("vocabulary", "organization")]
    rows = (
        queryset.prefetch_related(None)
        .values("pk", "organization__name", *scalar)
        .iterator(chunk_size=CHUNK_SIZE)
    )
    writer = csv.writer(_Line(), delimiter=delimiter)
    yield "\ufeff" + writer.writerow([column.header for column in PUBLIC_COLUMNS])
    for row in rows:
        cells = []
        for column in PUBLIC_COLUMNS:
            if column.kind == "organization":
                value = row["organization__name"]
            elif column.kind == "vocabulary":
                value = MULTI_SEPARATOR.join(vocabularies[column.field].get(row["pk"], ()))
            else:
                value = row[column.field]
            if isinstance(value, str):
                # Control characters and bidi overrides go before the formula check (see
                # core/spreadsheet.py), so nothing can hide a formula's "=".
                value = multi_line(value)
            cells.append(_format(value, column, delimiter))
        yield writer.writerow(cells)
