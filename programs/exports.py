"""The program directory as files: CSV with the import's columns, and GeoJSON (RFC 7946)."""

import csv

import orjson
from django.conf import settings
from django.utils.translation import override

from core.spreadsheet import guard_formula

from .imports import COLUMNS, M2M_FIELDS, MULTI_SEPARATOR, Column
from .models import Program


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
    stream.write(orjson.dumps({"type": "FeatureCollection", "features": features}).decode())
    stream.write("\n")
    return len(features)
