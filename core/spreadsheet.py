"""CSV downloads as German offices open them in a spreadsheet.

UTF-8 with a byte order mark (so Excel reads umlauts), `;` as the delimiter (Excel's in German
locales), dates in ISO 8601, and no cell a spreadsheet would run as a formula: text starting with
= + - @ (or a tab or carriage return) gets a leading apostrophe. Text is cleaned first
(core/text.py: line breaks stay, control characters and bidi overrides go), so an override
cannot hide a formula's "=" and a row stored before the cleaning still makes a clean file. Every
export of the portal's people and event data goes through here.
"""

import csv
from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal

from django.http import HttpResponse
from django.utils import timezone

from .text import multi_line

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def guard_formula(text: str) -> str:
    """A leading apostrophe for text a spreadsheet would run as a formula."""
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def cell(value):
    if value is None:
        return ""
    if isinstance(value, datetime):
        return timezone.localtime(value).isoformat(timespec="minutes")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return value
    return guard_formula(multi_line(str(value)))


def csv_response(*, filename: str, header: Iterable, rows: Iterable[Iterable]) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")
    writer = csv.writer(response, delimiter=";")
    writer.writerow([cell(str(label)) for label in header])
    for row in rows:
        writer.writerow([cell(value) for value in row])
    return response
