"""The VTIMEZONE every iCalendar file of the portal carries (core/ical.py)."""

from datetime import date, datetime, time, timedelta

import pytest
import vobject
from icalendar import Calendar

from core.ical import add_berlin_timezone


def vtimezone(first_year: int, last_year: int) -> str:
    calendar = Calendar()
    add_berlin_timezone(calendar, first_year=first_year, last_year=last_year)
    return calendar.to_ical().decode()


@pytest.mark.clock
@pytest.mark.parametrize(
    ("day", "offset"),
    [
        (date(2026, 3, 24), 1),
        (date(2026, 3, 31), 2),
        (date(2027, 3, 23), 1),
        (date(2027, 3, 30), 2),
        (date(2027, 11, 2), 1),
    ],
)
def test_every_change_of_the_clocks_in_its_span_read_by_vobject(day, offset):
    # A file of December 2026 spans 2025 to 2028. vobject reads only the first date of an
    # RDATE list, so each date has a line of its own.
    berlin = vobject.readOne(vtimezone(2026, 2026)).vtimezone.gettzinfo()
    assert datetime.combine(day, time(18), tzinfo=berlin).utcoffset() == timedelta(hours=offset)


def test_one_date_per_rdate_line():
    lines = [line for line in vtimezone(2026, 2026).splitlines() if line.startswith("RDATE")]
    assert len(lines) == 4
    assert not any("," in line for line in lines)
