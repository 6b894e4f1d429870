"""The design tokens of static/css/portal.css, the colour pairs the stylesheets use, WCAG contrast.

The token block is the `:root` rule at the top of portal.css; portal.css, map.css and print.css say
only `var(--…)` for a colour. PAIRS lists every pair of colours the stylesheets put together, with
its kind: text needs 4.5:1 (WCAG 1.4.3), large text and the parts of a control or a chart 3:1
(1.4.3, 1.4.11). Decorative borders and rules, which WCAG exempts, are listed too, so that every
token is accounted for, with a lower bar that only keeps them visible. The contrast test and the
living style page (/netzwerk/stil/) read this module; the luminance formula is WCAG 2.x's own
(a dozen lines, so no library: the one on PyPI was last released in 2015).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

STYLESHEETS = ("portal.css", "map.css", "print.css")

# What each kind of pair must reach.
MINIMUM = {"text": 4.5, "large": 3.0, "non-text": 3.0, "decorative": 1.3}
KINDS = {
    "text": _("text"),
    "large": _("large text"),
    "non-text": _("part of a control or chart"),
    "decorative": _("decoration"),
}


@dataclass(frozen=True)
class Pair:
    foreground: str  # a token's name without the leading "--"
    background: str
    kind: str  # a key of MINIMUM
    where: str | Promise  # where the stylesheets put them together


PAIRS = [
    # Text on the surfaces
    Pair("ink", "paper", "text", _("body text")),
    Pair("ink", "tint", "text", _("navigation bar, panels, notices")),
    Pair("muted", "paper", "text", _("secondary text: .meta, .help, .lead")),
    Pair("muted", "tint", "text", _("days of another month in the calendar, disabled map buttons")),
    Pair("paper", "ink", "text", _("footer")),
    Pair("brand", "paper", "text", _("links")),
    Pair("brand", "tint", "text", _("links on panels, the open menu button's hover")),
    Pair("brand-dark", "paper", "text", _("links while hovered")),
    Pair("paper", "brand", "text", _("primary button, current news topic")),
    Pair("paper", "brand-dark", "text", _("primary button while hovered")),
    Pair("paper", "error", "text", _("danger button")),
    Pair("paper", "error-dark", "text", _("danger button while hovered")),
    Pair("error", "paper", "text", _("form errors, required markers")),
    Pair("brand", "status-info-bg", "text", _("all-day entries in the calendar")),
    # Statuses (badges): the text names the status, the border is decoration
    Pair("status-neutral-ink", "status-neutral-bg", "text", _("badge: neutral")),
    Pair("status-info-ink", "status-info-bg", "text", _("badge: info")),
    Pair("status-pending-ink", "status-pending-bg", "text", _("badge: pending")),
    Pair("status-ok-ink", "status-ok-bg", "text", _("badge: ok")),
    Pair("status-danger-ink", "status-danger-bg", "text", _("badge: danger")),
    Pair("status-neutral-line", "status-neutral-bg", "decorative", _("badge border: neutral")),
    Pair("status-info-line", "status-info-bg", "decorative", _("badge border: info")),
    Pair("status-pending-line", "status-pending-bg", "decorative", _("badge border: pending")),
    Pair("status-ok-line", "status-ok-bg", "decorative", _("badge border: ok")),
    Pair("status-danger-line", "status-danger-bg", "decorative", _("badge border: danger")),
    # Controls and signals
    Pair("muted", "paper", "non-text", _("borders of inputs")),
    Pair("brand", "paper", "non-text", _("menu button and filter button borders, checkboxes")),
    Pair("ink", "paper", "non-text", _("focus outline")),
    Pair("ink", "focus", "non-text", _("focus outline inside its halo")),
    Pair("ok", "paper", "non-text", _("the bar of a success message")),
    Pair("error", "paper", "non-text", _("invalid inputs, the bar of an error message")),
    Pair("line", "paper", "decorative", _("borders of cards and tables, rules")),
    # Charts (tandems/charts.py)
    Pair("chart-1", "paper", "non-text", _("chart series 1")),
    Pair("chart-2", "paper", "non-text", _("chart series 2")),
    Pair("chart-3", "paper", "non-text", _("chart series 3")),
    Pair("chart-4", "paper", "non-text", _("chart series 4")),
    # Maps (map.css)
    Pair("brand", "map-bg", "non-text", _("program markers")),
    Pair("map-marker-waitlist", "map-bg", "non-text", _("markers of programs with a waiting list")),
    Pair("muted", "map-bg", "non-text", _("paused programs' markers, cluster rims, town dots")),
    Pair("accent", "map-bg", "non-text", _("the visitor's location")),
    Pair("accent", "paper", "non-text", _("the visitor's location, its rim")),
    Pair("map-label", "map-bg", "text", _("town names on the base map")),
    Pair("map-label", "map-land", "text", _("town names on the land")),
    Pair("map-outline", "map-bg", "decorative", _("the outline of Germany")),
    Pair("map-boundary", "map-land", "decorative", _("the boundaries of the districts")),
    Pair("map-water", "map-land", "decorative", _("lakes and rivers")),
    Pair("map-water-line", "map-land", "decorative", _("the banks of lakes and rivers")),
    Pair("ink", "status-info-bg", "text", _("the count of a small cluster")),
    Pair("ink", "status-pending-bg", "text", _("the count of a middle cluster")),
    Pair("ink", "status-danger-bg", "text", _("the count of a large cluster")),
    Pair("status-info-line", "map-bg", "decorative", _("halo of a small cluster")),
    Pair("status-pending-line", "map-bg", "decorative", _("halo of a middle cluster")),
    Pair("status-danger-line", "map-bg", "decorative", _("halo of a large cluster, the location")),
    # Paper (print.css)
    Pair("print-ink", "paper", "text", _("printed text")),
    Pair("print-line", "paper", "non-text", _("printed table rules and card borders")),
]

_COMMENT = re.compile(r"/\*.*?\*/", re.S)
_ROOT = re.compile(r":root\s*\{([^}]*)\}")
_DECLARATION = re.compile(r"--([\w-]+)\s*:\s*([^;]+);")
_HEX = re.compile(r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")
_VAR = re.compile(r"^var\(--([\w-]+)\)$")


def stylesheet(name: str = "portal.css") -> str:
    return (Path(settings.BASE_DIR) / "static" / "css" / name).read_text(encoding="utf-8")


def _blank(match: re.Match) -> str:
    """A comment or the token block as spaces and its newlines: line numbers stay right."""
    return re.sub(r"[^\n]", " ", match.group(0))


def token_block_span(css: str) -> tuple[int, int]:
    match = _ROOT.search(_COMMENT.sub(_blank, css))
    if match is None:
        raise ValueError("no :root block in the stylesheet")
    return match.span()


def tokens(css: str | None = None) -> dict[str, str]:
    """Every token of the :root block, name (without "--") to its value as written."""
    css = stylesheet() if css is None else css
    start, end = token_block_span(css)
    block = _COMMENT.sub(_blank, css)[start:end]
    return {name: value.strip() for name, value in _DECLARATION.findall(block)}


def colour_tokens(css: str | None = None) -> dict[str, str]:
    """The colour tokens, name to "#rrggbb" (a var(--other) resolved)."""
    found = tokens(css)
    colours: dict[str, str] = {}

    def resolve(name: str, seen: tuple[str, ...] = ()) -> str | None:
        value = found.get(name, "")
        if _HEX.match(value):
            return _long_hex(value)
        reference = _VAR.match(value)
        if reference and reference.group(1) not in seen:
            return resolve(reference.group(1), (*seen, name))
        return None

    for name in found:
        colour = resolve(name)
        if colour is not None:
            colours[name] = colour
    return colours


def _long_hex(value: str) -> str:
    digits = value[1:].lower()
    if len(digits) == 3:
        digits = "".join(digit * 2 for digit in digits)
    return "#" + digits


def relative_luminance(colour: str) -> float:
    """WCAG 2.x relative luminance of "#rrggbb"."""
    channels = []
    for i in (1, 3, 5):
        c = int(colour[i : i + 2], 16) / 255
        channels.append(c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4)
    red, green, blue = channels
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast(first: str, second: str) -> float:
    lighter, darker = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def checked_pairs(css: str | None = None) -> list[dict]:
    """Every pair of PAIRS with its colours, its ratio, its bar and whether it reaches it."""
    colours = colour_tokens(css)
    checked = []
    for pair in PAIRS:
        ratio = contrast(colours[pair.foreground], colours[pair.background])
        checked.append(
            {
                "pair": pair,
                "foreground": colours[pair.foreground],
                "background": colours[pair.background],
                "ratio": ratio,
                "minimum": MINIMUM[pair.kind],
                "passes": ratio >= MINIMUM[pair.kind],
            }
        )
    return checked


# Words a colour property may hold besides var(--…): keywords, not colours. Anything else there
# (a named colour such as "white" or "red") is a raw colour.
_NOT_COLOURS = {
    "transparent", "currentcolor", "inherit", "initial", "unset", "revert", "none", "solid",
    "dashed", "dotted", "double", "inset", "auto", "top", "bottom", "left", "right", "center",
    "no-repeat", "repeat", "linear-gradient", "calc", "important", "padding-box", "border-box",
    "content-box", "thin", "medium", "thick", "hidden", "collapse", "separate", "underline",
    "line-through", "overline", "wavy",
    # System colours, for forced-colours mode only: they follow the user's theme.
    "buttontext", "buttonface", "canvas", "canvastext", "linktext", "highlight", "highlighttext",
}  # fmt: skip
_COLOUR_PROPERTY = re.compile(
    r"color|background|border|outline|shadow|fill|stroke|column-rule|text-decoration"
)
_BLOCK = re.compile(r"\{([^{}]*)\}")
_RAW = re.compile(r"#[0-9a-fA-F]{3,8}\b|\b(?:rgba?|hsla?|hwb|lab|lch|oklab|oklch|color)\(")
_WORD = re.compile(r"(?<![\w.#-])[a-zA-Z][\w-]*")


def raw_colours(css: str, *, skip_token_block: bool = True) -> list[tuple[int, str]]:
    """(line, declaration) of every colour written as a literal outside the token block."""
    text = _COMMENT.sub(_blank, css)
    if skip_token_block and _ROOT.search(text):
        start, end = token_block_span(text)
        text = text[:start] + re.sub(r"[^\n]", " ", text[start:end]) + text[end:]
    found = []
    for block in _BLOCK.finditer(text):
        offset = block.start(1)
        for declaration in block.group(1).split(";"):
            prop, colon, value = declaration.partition(":")
            line = text.count("\n", 0, offset) + 1 + declaration[: len(prop)].count("\n")
            offset += len(declaration) + 1
            if not colon or prop.strip().startswith("--"):
                continue
            plain = re.sub(r"var\(--[\w-]+\)|url\([^)]*\)|\"[^\"]*\"|'[^']*'", " ", value)
            words = {word.lower() for word in _WORD.findall(plain)}
            named = _COLOUR_PROPERTY.search(prop.strip()) and words - _NOT_COLOURS
            if _RAW.search(plain) or named:
                found.append((line, " ".join(declaration.split())))
    return found
