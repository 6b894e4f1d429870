"""What every iCalendar file of the portal shares: the VTIMEZONE of Europe/Berlin, and text.

Text goes in as `line()` (SUMMARY, LOCATION, X-WR-CALNAME, CATEGORIES) or `paragraphs()`
(DESCRIPTION): cleaned (core/text.py) and escaped as TEXT, so that a line break, a
semicolon or a control character stored in a title (rows from before the cleaning, an import)
cannot break the file.
"""

from datetime import date
from functools import lru_cache

from icalendar import Calendar, Timezone, vText

from .text import multi_line, single_line

TZID = "Europe/Berlin"


@lru_cache(maxsize=16)
def _berlin(first_year: int, last_year: int) -> Timezone:
    # Built once per span of years and process: computing the rules took a fifth of the CPU of
    # a meeting reminder's .ics (bench/notifications.py). Components are never changed after.
    timezone = Timezone.from_tzid(
        TZID, first_date=date(first_year - 1, 1, 1), last_date=date(last_year + 2, 1, 1)
    )
    # One date per RDATE line: parsers built on dateutil (vobject among them) read only the
    # first date of a list, and put 18:00 of a later summer at 19:00.
    for observance in timezone.subcomponents:
        dates = observance.pop("RDATE", [])
        for values in dates if isinstance(dates, list) else [dates]:
            for value in values.dts:
                observance.add("RDATE", value.dt)
    return timezone


def line(value) -> vText:
    return vText(single_line(str(value)))


def paragraphs(value) -> vText:
    return vText(multi_line(str(value)))


def add_berlin_timezone(calendar: Calendar, *, first_year: int, last_year: int) -> None:
    """Put the rules of Europe/Berlin for the years the events need (not from 1970) first."""
    calendar.subcomponents.insert(0, _berlin(first_year, last_year))
