"""The browser import of programs (/netzwerk/import/): upload, column mapping, dry run, import.

The file is read by core/tabular.py (CSV or XLSX) and checked and written by the engine of
`manage.py import_programs` (programs/imports.py); what is added here is the mapping of the
file's columns onto the engine's, and the upload kept between the steps (ProgramImport).
"""

from __future__ import annotations

import re
import unicodedata
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.tabular import Table, read_table

from .imports import COLUMNS, CREATED, INVALID, UNCHANGED, UPDATED, ImportReport, programs_import
from .models import ProgramImport

IGNORE = ""  # the mapping's value for a file column that is left out

# Other names a spreadsheet gives the columns, compared by header_key(): case, umlauts, spaces
# and punctuation do not matter ("E-Mail" = "email", "Straße" = "Strasse").
SYNONYMS = {
    "slug": ["kurzadresse"],
    "Name": ["programmname", "programm", "projektname", "projekt", "titel", "bezeichnung"],
    "Träger": [
        "traegerin",
        "traegerorganisation",
        "organisation",
        "organization",
        "verein",
        "einrichtung",
    ],
    "Kurzbeschreibung": ["kurztext", "teaser", "zusammenfassung", "summary"],
    "Beschreibung": ["langbeschreibung", "description", "text", "programmbeschreibung"],
    "Mitmachen": ["mitmachenals", "engagement", "sohelfensiemit", "howtojoin"],
    "Zielgruppen": ["zielgruppe", "targetgroups", "fuerwen"],
    "Themen": ["thema", "topics", "schwerpunkte", "schwerpunkt"],
    "Formate": ["format", "formats"],
    "Förderung": ["foerderer", "foerderprogramm", "funding"],
    "Alter von": ["mindestalter", "altermin", "agemin", "abalter", "ab"],
    "Alter bis": ["hoechstalter", "altermax", "agemax", "bisalter", "bis"],
    "Sprachen": ["sprache", "languages"],
    "Straße": [
        "str",
        "strasseundhausnummer",
        "strassehausnummer",
        "strassenr",
        "adresse",
        "anschrift",
        "street",
    ],
    "PLZ": ["postleitzahl", "postcode", "zip"],
    "Ort": ["stadt", "city", "gemeinde", "standort"],
    "Bundesland": ["land", "state"],
    "Breitengrad": ["lat", "latitude", "breite"],
    "Längengrad": ["lon", "lng", "longitude", "laenge"],
    "Reichweite": ["reach", "wirkungskreis"],
    "Radius km": ["radius", "umkreis", "umkreiskm"],
    "Kontakt Name": [
        "kontakt",
        "kontaktperson",
        "ansprechperson",
        "ansprechpartner",
        "ansprechpartnerin",
        "ansprechpartnerinnen",
        "contactname",
    ],
    "Kontakt Rolle": ["funktion", "rolle", "kontaktfunktion", "contactrole"],
    "Kontakt E-Mail": ["email", "mail", "emailadresse", "kontaktmail", "contactemail"],
    "Kontakt Telefon": ["telefon", "tel", "telefonnummer", "phone", "contactphone"],
    "Website": ["webseite", "homepage", "internetseite", "internet", "url", "web"],
    "Plätze": ["freieplaetze", "verfuegbarkeit", "availability"],
    "Status": ["veroeffentlichung", "publikationsstatus"],
    "Zuletzt geprüft": ["geprueftam", "letzteepruefung", "stand", "lastreviewed"],
    "Externe ID": ["id", "nr", "nummer", "kennung", "externalid", "programmnummer"],
}


def header_key(header: str) -> str:
    """A header for comparing: lower case, umlauts as ae/oe/ue/ss, letters and digits only."""
    text = header.casefold().replace("ß", "ss")
    for umlaut, spelled in (("ä", "ae"), ("ö", "oe"), ("ü", "ue")):
        text = text.replace(umlaut, spelled)
    text = unicodedata.normalize("NFKD", text)
    text = "".join(char for char in text if not unicodedata.combining(char))
    return re.sub(r"[^a-z0-9]", "", text)


_KNOWN = {header_key(column.header): column.header for column in COLUMNS}
for _column, _names in SYNONYMS.items():
    for _name in _names:
        _KNOWN.setdefault(header_key(_name), _column)


def mapping_guess(headers: list[str]) -> dict[str, str]:
    """Each file column to the import's column of the same or a usual other name, else IGNORE;
    a column of the import is given to the first file column that names it."""
    mapping, taken = {}, set()
    for header in headers:
        if not header:
            continue
        column = _KNOWN.get(header_key(header), IGNORE)
        if column in taken:
            column = IGNORE
        taken.add(column)
        mapping[header] = column
    return mapping


def mapping_is_exact(mapping: dict[str, str]) -> bool:
    """Every file column has exactly an import column's name: no mapping step is needed."""
    return all(header == column for header, column in mapping.items())


def program_import_upload(*, upload, user) -> ProgramImport:
    """Read an uploaded file and keep it for the next steps. Raises core.tabular.TableError."""
    data = _read(upload)
    table = read_table(data)
    program_imports_expire()
    record = ProgramImport(
        uploaded_by=user,
        file_name=(getattr(upload, "name", "") or "import")[:255],
        data=data,
        mapping=mapping_guess(table.headers),
    )
    record.full_clean()
    record.save()
    return record


def _read(upload) -> bytes:
    """At most one byte more than allowed: read_table then says the file is too large."""
    if hasattr(upload, "seek"):
        upload.seek(0)
    return upload.read(settings.IMPORT_MAX_BYTES + 1)


def program_import_map(*, record: ProgramImport, mapping: dict[str, str]) -> None:
    """Keep the file's columns as mapped by the person who uploaded it."""
    record.mapping = mapping
    record.save(update_fields=["mapping"])


def program_import_table(*, record: ProgramImport) -> Table:
    """The kept file, read again (it was readable when uploaded)."""
    return read_table(bytes(record.data))


def mapped_rows(*, table: Table, mapping: dict[str, str]):
    """The file's rows under the import's column names, with the file's row numbers."""
    headers = [mapping[header] for header in table.headers if mapping.get(header)]
    numbered = []
    for row in table.rows:
        values = {
            column: row.values.get(header, "")
            for header, column in mapping.items()
            if column and header in row.values
        }
        if row.stray:
            values[""] = ""  # the engine reports a value in a column without a header
        numbered.append((row.line, values))
    return headers, numbered


def program_import_run(
    *, record: ProgramImport, dry_run: bool, partial: bool, table: Table | None = None
) -> ImportReport:
    """The dry run or the import of a kept upload, with its mapping. An import that wrote
    records its counts and deletes the file; a rejected one changes nothing."""
    table = table or program_import_table(record=record)
    headers, numbered = mapped_rows(table=table, mapping=record.mapping)
    report = programs_import(headers=headers, numbered=numbered, dry_run=dry_run, partial=partial)
    if dry_run or not report.written:
        return report
    # save(), not update(): the audit trail records who imported what (audit/registry.py).
    record.status = ProgramImport.Status.IMPORTED
    record.partial = partial
    record.created = report.count(CREATED)
    record.updated = report.count(UPDATED)
    record.unchanged = report.count(UNCHANGED)
    record.skipped = report.count(INVALID)
    record.imported_at = timezone.now()
    record.data = b""
    record.save()
    return report


def program_import_discard(*, record: ProgramImport) -> None:
    """Delete the kept file of a waiting upload; the record stays."""
    if record.status != ProgramImport.Status.UPLOADED:
        return
    record.status = ProgramImport.Status.DISCARDED
    record.data = b""
    record.save()


@transaction.atomic
def program_imports_expire(*, now=None) -> int:
    """Delete the files of uploads older than IMPORT_UPLOAD_HOURS that were never imported;
    the records stay (who uploaded which file when)."""
    before = (now or timezone.now()) - timedelta(hours=settings.IMPORT_UPLOAD_HOURS)
    return ProgramImport.objects.filter(
        status=ProgramImport.Status.UPLOADED, uploaded_at__lt=before
    ).update(status=ProgramImport.Status.EXPIRED, data=b"")


TEMPLATE_CSV = settings.BASE_DIR / "static" / "programs" / "programme-vorlage.csv"


def template_xlsx() -> bytes:
    """The template as an Excel workbook: the CSV template's header and example row, and a
    sheet "Spalten" with each column's meaning and allowed values."""
    import csv
    import io

    import openpyxl
    from openpyxl.styles import Font

    from .imports import allowed_values

    with TEMPLATE_CSV.open(encoding="utf-8-sig", newline="") as file:
        lines = list(csv.reader(file, delimiter=";"))
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Programme"
    for line in lines:
        sheet.append(line)
    for row in sheet.iter_rows():
        for cell in row:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"  # text, never a formula
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    help_sheet = workbook.create_sheet("Spalten")
    help_sheet.append([_("Column"), _("Required"), _("Meaning"), _("Allowed values")])
    for cell in help_sheet[1]:
        cell.font = Font(bold=True)
    for column in COLUMNS:
        help_sheet.append(
            [
                column.header,
                _("yes") if column.required else _("no"),
                str(column.meaning),
                allowed_values(column),
            ]
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
