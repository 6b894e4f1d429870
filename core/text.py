"""Clean text on the way in: one line where one line is meant, no control or invisible tricks.

Single-line fields hold one clean line, multi-line fields keep their line breaks; neither holds
control characters, bidi overrides or a name made only of invisible characters. A line break in
an event's title broke its .ics file and every confirmation mail; a right-to-left override makes
"gpj.exe" read as "exe.jpg"; a name of zero-width spaces shows as nothing in a list. The model
fields and form fields below clean the text on the way in (forms, the admin, services, imports:
`pre_save` cleans what is saved without a form) and refuse a text that had something in it but
shows nothing. Renderers (iCalendar, CSV, mail subjects) use `single_line` / `multi_line` too,
so that rows stored before the cleaning still render.
"""

from __future__ import annotations

import re
import unicodedata

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

# Removed from every text: control characters that are not whitespace (C0 and C1 but tab and
# the line breaks), lone surrogates (no encoding can store them), bidi embeddings and overrides
# (U+202A-U+202E) and isolates (U+2066-U+2069), which reorder what follows them, and the zero-width
# space, word joiner, invisible operators and byte order mark, which show nothing and are never
# needed in a name or a sentence.
DROPPED = re.compile(
    "[\x00-\x08\x0e-\x1b\x7f-\x84\x86-\x9f\u202a-\u202e\u2066-\u2069\u200b\u2060-\u2064"
    "\ufeff\ud800-\udfff]"
)
# Zero-width (non-)joiners shape Persian, Indic scripts and emoji sequences: kept between two
# visible characters, removed anywhere else.
JOINERS = "\u200c\u200d"
STRAY_JOINERS = re.compile(rf"^[{JOINERS}]+|[{JOINERS}]+$|(?<=\s)[{JOINERS}]+|[{JOINERS}]+(?=\s)")
REPEATED_JOINERS = re.compile(rf"([{JOINERS}])[{JOINERS}]+")
# Characters that draw nothing although they are letters (Hangul fillers, the blank braille
# pattern): a name made only of them is as invisible as one of spaces.
BLANK_LETTERS = frozenset("\u115f\u1160\u3164\uffa0\u2800")
INVISIBLE_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Cn", "Zs", "Zl", "Zp", "Mn", "Me"})
# Everything Python's str.splitlines() breaks at, and the information separators in between.
LINE_BREAKS = re.compile("\r\n|[\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")

INVISIBLE_MESSAGE = _(
    "This text consists only of invisible characters or control characters. Please enter "
    "visible text."
)


def _joiners_tidied(text: str) -> str:
    if "\u200c" not in text and "\u200d" not in text:
        return text
    return STRAY_JOINERS.sub("", REPEATED_JOINERS.sub(r"\1", text))


def single_line(value):
    """One line: control characters, bidi overrides and zero-width characters out, every run of
    whitespace (tabs, line breaks) one space, none at either end. Anything but a str unchanged."""
    if not isinstance(value, str):
        return value
    text = unicodedata.normalize("NFC", value)
    # Printable text (most of it) holds no control, format or separator character but the
    # space: only the whitespace is to be tidied. Scanning with the patterns costs far more.
    if not text.isprintable():
        text = _joiners_tidied(DROPPED.sub("", text))
    return " ".join(text.split())


def multi_line(value):
    """Paragraphs: line breaks kept (as "\\n"), tabs kept (indentation in Markdown), every other
    control character, bidi override and zero-width character out, nothing blank at either end."""
    if not isinstance(value, str):
        return value
    text = unicodedata.normalize("NFC", value)
    if text.replace("\n", "").replace("\t", "").isprintable():
        return text.strip()
    text = DROPPED.sub("", LINE_BREAKS.sub("\n", text)).replace("\x1f", " ")
    return "\n".join(_joiners_tidied(line) for line in text.split("\n")).strip()


def visible(text: str) -> bool:
    """Whether the text shows anything at all."""
    return any(
        unicodedata.category(char) not in INVISIBLE_CATEGORIES and char not in BLANK_LETTERS
        for char in text
    )


def check_visible(raw, cleaned) -> None:
    """Refuse a text that had something in it but shows nothing once cleaned. Plain whitespace
    is an empty text, which the field's own `blank`/`required` decides about."""
    if isinstance(raw, str) and raw.strip() and not visible(cleaned or ""):
        raise ValidationError(INVISIBLE_MESSAGE, code="invisible")


# --- Model fields ------------------------------------------------------------------------------


class _CleanedModelField:
    clean_text = staticmethod(single_line)

    def to_python(self, value):
        return self.clean_text(super().to_python(value))

    def clean(self, value, model_instance):
        check_visible(value, self.clean_text(value))
        return super().clean(value, model_instance)

    def pre_save(self, model_instance, add):
        # What a service or an import saves without full_clean() is cleaned all the same.
        value = self.clean_text(super().pre_save(model_instance, add))
        setattr(model_instance, self.attname, value)
        return value

    def deconstruct(self):
        # Stored as the plain field: the cleaning is behaviour, not schema, and needs no
        # migration.
        name, _path, args, kwargs = super().deconstruct()
        return name, self.plain_path, args, kwargs


class SingleLineCharField(_CleanedModelField, models.CharField):
    """A CharField holding one line of text (names, titles, places)."""

    plain_path = "django.db.models.CharField"

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": SingleLineFormField, **kwargs})


class MultiLineCharField(_CleanedModelField, models.CharField):
    """A CharField with a length limit that may hold several lines (short free texts)."""

    plain_path = "django.db.models.CharField"
    clean_text = staticmethod(multi_line)

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": MultiLineFormField, **kwargs})


class MultiLineTextField(_CleanedModelField, models.TextField):
    """A TextField (descriptions, notes): line breaks kept, control characters not."""

    plain_path = "django.db.models.TextField"
    clean_text = staticmethod(multi_line)

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": MultiLineFormField, **kwargs})


# --- Form fields -------------------------------------------------------------------------------


class SingleLineFormField(forms.CharField):
    """A form's CharField for one line of text; the widget may still be a text area."""

    clean_text = staticmethod(single_line)
    refuse_invisible = True

    def to_python(self, value):
        raw = value
        value = self.clean_text(super().to_python(value))
        if self.refuse_invisible:
            check_visible(raw, value)
        return value


class MultiLineFormField(SingleLineFormField):
    """A form's CharField for paragraphs; a text area unless a widget is given."""

    widget = forms.Textarea
    clean_text = staticmethod(multi_line)


class SearchFormField(SingleLineFormField):
    # A search for nothing visible is no search: the list shows everything, without a complaint.
    refuse_invisible = False

    def to_python(self, value):
        value = forms.CharField.to_python(self, value)
        # A NUL is left for Django's validator, whose refusal the lists explain ("characters we
        # cannot search for"): dropping it silently would search for another text.
        return value if "\x00" in value else self.clean_text(value)


class SingleLineFilter(django_filters.CharFilter):
    """A FilterSet's text parameter (a search), cleaned like a single-line field."""

    field_class = SearchFormField


# German spelling of umlauts in slugs: „Größe“ → groesse, not grosse or grasse.
_TRANSLITERATION = str.maketrans(
    {"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "ß": "ss", "ẞ": "SS"}
)


def german_slug(text: str) -> str:
    """A slug that spells umlauts the German way: „Größe“ → groesse, not grosse or grasse."""
    return slugify(text.translate(_TRANSLITERATION))


def free_slug(base: str, *taken) -> str:
    """`base`, or `base-2`, `base-3` ... : the first in none of the `taken` collections."""
    slug, number = base, 1
    while any(slug in slugs for slugs in taken):
        number += 1
        slug = f"{base}-{number}"
    return slug
