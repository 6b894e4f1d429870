"""The living style page (/netzwerk/stil/): what it shows of the design tokens and components."""

from __future__ import annotations

import re

from django.apps import apps
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.badges import STATUS_BADGES, TODO_BADGES, VARIANTS
from core.design_tokens import KINDS, MINIMUM, checked_pairs, colour_tokens, tokens

# The page's sections, in order, with their headings: templates/network/style/_<name>.html holds
# what comes below the heading (the page writes the <section> and its <h2>; a section's own
# headings are h3). "tiles", "tables" and "forms" are written beside the others; a section whose
# template is not there yet is left out.
SECTIONS = {
    "tokens": _("Colours"),
    "type": _("Type, spacing and radii"),
    "page_header": _("Page header"),
    "cards": _("Cards"),
    "badges": _("Badges for statuses"),
    "empty_states": _("Empty states"),
    "tiles": _("Figure tiles"),
    "tables": _("Tables"),
    "forms": _("Forms"),
}

VARIANT_LABELS = {
    "neutral": pgettext_lazy("badge variant", "neutral"),
    "info": pgettext_lazy("badge variant", "information"),
    "pending": pgettext_lazy("badge variant", "waiting"),
    "ok": pgettext_lazy("badge variant", "good"),
    "danger": pgettext_lazy("badge variant", "attention"),
}

_REM = re.compile(r"^([\d.]+)rem$")
_PX = re.compile(r"^([\d.]+)px$")


def section_templates() -> list[dict]:
    found = []
    for name, title in SECTIONS.items():
        path = f"network/style/_{name}.html"
        try:
            get_template(path)
        except TemplateDoesNotExist:
            continue
        found.append({"name": name, "title": title, "template": path})
    return found


def _pixels(value: str) -> int | None:
    """A length of the scale in CSS pixels (1rem = 16px), to draw it; None if not fixed."""
    if match := _REM.match(value):
        return round(float(match.group(1)) * 16)
    if match := _PX.match(value):
        return round(float(match.group(1)))
    return None


def _once_each(pairs: list[dict]) -> list[dict]:
    """A pair checked as text and as a control is listed once beside its swatch."""
    seen, once = set(), []
    for checked in pairs:
        key = (checked["pair"].foreground, checked["pair"].background)
        if key not in seen:
            seen.add(key)
            once.append(checked)
    return once


def colour_table() -> list[dict]:
    """Every colour token with its value and the checked pairs it is part of."""
    values = tokens()
    colours = colour_tokens()
    pairs = checked_pairs()
    return [
        {
            "name": name,
            "written": values[name],
            "value": value,
            "pairs": _once_each(
                [p for p in pairs if name in (p["pair"].foreground, p["pair"].background)]
            ),
            "closest": min(
                (p for p in pairs if name in (p["pair"].foreground, p["pair"].background)),
                key=lambda p: p["ratio"] / p["minimum"],
                default=None,  # a token in no pair yet: the contrast test fails, the page shows it
            ),
        }
        for name, value in colours.items()
    ]


# The type scale's tokens that have a class of their own in portal.css (--text-base is the body's).
TYPE_CLASSES = {"text-sm", "text-lg", "text-xl", "text-2xl"}


def other_tokens() -> list[dict]:
    """The tokens that are no colours: type scale, spacing, radii, the page's width."""
    colours = colour_tokens()
    return [
        {
            "name": name,
            "value": value,
            "pixels": _pixels(value),
            "kind": name.split("-")[0],
            "css_class": name if name in TYPE_CLASSES else "",
        }
        for name, value in tokens().items()
        if name not in colours
    ]


def badge_table() -> list[dict]:
    """Every status of every app with its badge variant, as the templates show it."""
    table = []
    for (label, field_name), variants in STATUS_BADGES.items():
        model = apps.get_model(label)
        field = model._meta.get_field(field_name)
        table.append(
            {
                "model": model._meta.verbose_name,
                "field": field.verbose_name,
                "statuses": [
                    {"value": value, "label": label, "variant": variants[value]}
                    for value, label in field.choices
                ],
            }
        )
    return table


def context() -> dict:
    return {
        "sections": section_templates(),
        "colours": colour_table(),
        "pairs": [{**pair, "kind": KINDS[pair["pair"].kind]} for pair in checked_pairs()],
        "minimum": MINIMUM,
        "other_tokens": other_tokens(),
        "badges": badge_table(),
        "variants": [{"name": name, "label": VARIANT_LABELS[name]} for name in VARIANTS],
        "todo_badges": TODO_BADGES,
    }
