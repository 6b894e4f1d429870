"""English dates for readers in Germany: Django's "12/07/2026" (month first) reads as 12 July
to most of them; the short formats name the month instead ("Dec 7, 2026"), as the long ones do.
Only what is shown changes; the formats a form accepts stay Django's."""

SHORT_DATE_FORMAT = "M j, Y"
SHORT_DATETIME_FORMAT = "M j, Y, P"
