"""Text on the way in: single-line fields hold one clean line, multi-line fields keep their line
breaks, neither keeps control characters or bidi overrides, and a text of nothing visible is
refused in German. Every text field of the portal's models, forms and filters is one of these."""

import importlib
import inspect
from pathlib import Path

import django_filters
import pytest
from django import forms
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models
from hypothesis import given
from hypothesis import strategies as st

from core.text import (
    MultiLineFormField,
    SingleLineFormField,
    multi_line,
    single_line,
    visible,
)

ROOT = Path(__file__).resolve().parents[2]

# Model fields that hold no text typed by a person, with the reason.
INTERNAL_FIELDS = {
    "notifications.Notification.recipient": "a key such as user:5, written by the code",
    "notifications.Notification.occurrence": "a date in a series, written by the code",
    "notifications.Notification.error": "the mail server's answer, shown to staff as it came",
    "tandems.CalendarFeed.token": "a random token, written by the code",
    "accounts.User.password": "a password hash",
    "programs.ModerationNotice.link": "a path of the portal, written by the code",
    "notifications.ScanHeartbeat.broker_run_id": "the broker's own id (Redis INFO run_id)",
}
# Form fields that the form removes when it is built, with the reason.
REMOVED_FORM_FIELDS = {
    "accounts.forms.SignupForm.username": "allauth drops it: the e-mail address is the login",
}
# Form fields compared as typed, never shown.
VERBATIM_WIDGETS = (forms.PasswordInput,)
# Form fields whose own validation allows no line break or control character.
STRUCTURED_FORM_FIELDS = (
    forms.EmailField,
    forms.URLField,
    forms.SlugField,
    forms.UUIDField,
    forms.GenericIPAddressField,
    forms.JSONField,
)
STRUCTURED_MODEL_FIELDS = (
    models.EmailField,
    models.URLField,
    models.SlugField,
    models.GenericIPAddressField,
)


def project_apps():
    return [
        config
        for config in apps.get_app_configs()
        if Path(config.path).is_relative_to(ROOT) and ".venv" not in Path(config.path).parts
    ]


# --- The cleaning ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "cleaned"),
    [
        ("Fachtag\r\nPatenschaften", "Fachtag Patenschaften"),
        ("Fachtag\nPatenschaften\n", "Fachtag Patenschaften"),
        ("Lese\tpat:innen  Leipzig", "Lese pat:innen Leipzig"),
        ("Netzwerk\u2028treffen\u0085Sachsen", "Netzwerk treffen Sachsen"),
        ("\u202egpj.exe", "gpj.exe"),
        ("Anna \u2066Schmidt\u2069", "Anna Schmidt"),
        ("\u200bAnna\u200b\ufeff Schmidt\u2060", "Anna Schmidt"),
        ("Null\x00Byte\x07\x1b[31m", "NullByte[31m"),
        ("\u200dAnna\u200c", "Anna"),
        # Joiners between two visible characters shape scripts and emoji: they stay.
        ("\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645", "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645"),  # noqa: E501 -- Persian, one word
        ("\U0001f468\u200d\U0001f469\u200d\U0001f467", "\U0001f468\u200d\U0001f469\u200d\U0001f467"),  # noqa: E501 -- a family emoji
        ("Mentoring\u00adprogramm", "Mentoring\u00adprogramm"),  # a soft hyphen is a hint
        ("Jo\u0308rg", "Jörg"),  # composed (NFC)
        ("  ", ""),
    ],
)  # fmt: skip
def test_single_line_cleans(raw, cleaned):
    assert single_line(raw) == cleaned


def test_multi_line_keeps_paragraphs_and_tabs_and_drops_the_rest():
    raw = "Absatz eins\r\n\r\n\t- Punkt\u2028Ende\x00\x1b\u202e  \n"

    assert multi_line(raw) == "Absatz eins\n\n\t- Punkt\nEnde"


def test_nothing_visible_is_recognised():
    assert not visible(single_line("\u200b\u200d\u3164\u2800 \u202e"))
    assert visible("Ü")


@given(st.text())
def test_single_line_is_one_clean_line_and_stable(raw):
    cleaned = single_line(raw)

    assert cleaned.splitlines() in ([], [cleaned])
    assert not any(char in cleaned for char in "\t\r\n\x00\u202e\u2066\u200b\ufeff")
    assert single_line(cleaned) == cleaned
    assert cleaned == cleaned.strip()


@given(st.text())
def test_multi_line_keeps_no_other_control_character_and_is_stable(raw):
    cleaned = multi_line(raw)

    assert "\r" not in cleaned
    assert not any(char in cleaned for char in "\x00\x0b\x0c\u2028\u2029\u202e\u2066\u200b")
    assert multi_line(cleaned) == cleaned


@pytest.mark.parametrize("field", [SingleLineFormField(), MultiLineFormField(required=False)])
def test_form_field_refuses_a_text_of_nothing_visible_in_german(field):
    with pytest.raises(ValidationError) as refused:
        field.clean("\u200b\u202e\u200d")

    assert refused.value.messages == [
        "Dieser Text besteht nur aus unsichtbaren Zeichen oder Steuerzeichen. Bitte geben Sie "
        "sichtbaren Text ein."
    ]


def test_form_field_leaves_an_empty_optional_text_empty():
    assert SingleLineFormField(required=False).clean("   ") == ""


# --- Every text field is one of them ----------------------------------------------------------


def test_every_text_field_of_the_portals_models_is_cleaned():
    unclean = []
    for config in project_apps():
        for model in config.get_models():
            for field in model._meta.concrete_fields:
                name = f"{model._meta.label}.{field.name}"
                if (
                    not isinstance(field, (models.CharField, models.TextField))
                    or isinstance(field, STRUCTURED_MODEL_FIELDS)
                    or field.choices
                    or not field.editable
                    or name in INTERNAL_FIELDS
                ):
                    continue
                if not hasattr(field, "clean_text"):
                    unclean.append(name)
    assert unclean == []


def _classes(module, base):
    return [
        value
        for value in vars(module).values()
        if inspect.isclass(value)
        and issubclass(value, base)
        and value.__module__ == module.__name__
    ]


def _modules():
    for config in project_apps():
        for pattern in ("forms.py", "forms/*.py", "admin.py", "filters.py"):
            for path in Path(config.path).glob(pattern):
                dotted = ".".join(path.relative_to(config.path).with_suffix("").parts)
                yield importlib.import_module(f"{config.name}.{dotted}")


def _needs_cleaning(field_class, widget=None) -> bool:
    return (
        issubclass(field_class, forms.CharField)
        and not issubclass(field_class, (SingleLineFormField, *STRUCTURED_FORM_FIELDS))
        and not isinstance(widget, VERBATIM_WIDGETS)
    )


def test_every_text_field_of_the_portals_forms_and_filters_is_cleaned():
    unclean, seen = [], 0
    for module in _modules():
        for form in _classes(module, forms.BaseForm):
            for name, field in form.base_fields.items():
                seen += 1
                label = f"{form.__module__}.{form.__name__}.{name}"
                if _needs_cleaning(type(field), field.widget) and label not in REMOVED_FORM_FIELDS:
                    unclean.append(label)
        for filterset in _classes(module, django_filters.FilterSet):
            for name, found in filterset.base_filters.items():
                seen += 1
                if _needs_cleaning(found.field_class):
                    unclean.append(f"{filterset.__module__}.{filterset.__name__}.{name}")
    assert unclean == []
    assert seen > 100  # the search found the forms


@pytest.mark.parametrize(
    ("field", "widget", "unclean"),
    [
        (forms.CharField, None, True),
        (forms.CharField, forms.Textarea(), True),
        (forms.RegexField, None, True),
        (forms.CharField, forms.PasswordInput(), False),
        (forms.EmailField, None, False),
        (SingleLineFormField, None, False),
        (MultiLineFormField, None, False),
        (forms.IntegerField, None, False),
    ],
)
def test_the_check_finds_a_plain_text_field(field, widget, unclean):
    assert _needs_cleaning(field, widget) is unclean
