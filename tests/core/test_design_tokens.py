"""The design tokens: every colour pair reaches WCAG AA, no raw colour outside the token block."""

import re
from pathlib import Path

import pytest
from django.conf import settings

from core import design_tokens
from core.design_tokens import PAIRS, checked_pairs, colour_tokens, contrast, raw_colours, tokens
from tandems.charts import STYLES

# The names other stylesheets and templates rely on.
KEPT_NAMES = {
    "ink", "muted", "paper", "tint", "brand", "brand-dark", "accent", "line", "error", "ok",
    "focus", "radius", "wrap",
}  # fmt: skip


def test_contrast_follows_wcag_formula():
    assert round(contrast("#000000", "#ffffff"), 2) == 21.0
    assert round(contrast("#ffffff", "#ffffff"), 2) == 1.0
    # WCAG's own example colour: #767676 is the lightest grey with 4.5:1 on white.
    assert round(contrast("#767676", "#ffffff"), 2) == 4.54
    assert contrast("#777777", "#ffffff") < 4.5


def test_tokens_keep_the_names_in_use():
    assert set(tokens()) >= KEPT_NAMES


def test_tokens_hold_colours_spacing_type_and_radii():
    names = set(tokens())
    assert {"space-1", "space-4", "space-7"} <= names
    assert {"text-sm", "text-base", "text-lg", "text-xl", "text-2xl"} <= names
    assert {"radius-sm", "radius", "radius-pill"} <= names
    assert {f"status-{v}-{part}" for v in ("ok", "danger") for part in ("bg", "ink")} <= names


@pytest.mark.parametrize(
    "checked",
    checked_pairs(),
    ids=lambda c: f"{c['pair'].foreground}-on-{c['pair'].background}-{c['pair'].kind}",
)
def test_colour_pair_reaches_wcag_aa(checked):
    assert checked["ratio"] >= checked["minimum"], checked["pair"].where


def test_text_pairs_need_4_5_and_controls_3():
    assert design_tokens.MINIMUM["text"] == 4.5
    assert design_tokens.MINIMUM["non-text"] == 3.0
    assert design_tokens.MINIMUM["large"] == 3.0


def test_every_colour_token_is_in_a_checked_pair():
    in_pairs = {name for pair in PAIRS for name in (pair.foreground, pair.background)}
    assert set(colour_tokens()) - in_pairs == set()


def test_every_pair_names_colour_tokens_and_a_known_kind():
    colours = colour_tokens()
    for pair in PAIRS:
        assert pair.foreground in colours, pair
        assert pair.background in colours, pair
        assert pair.kind in design_tokens.MINIMUM, pair


def test_decorative_pairs_are_only_borders_halos_and_the_base_map():
    decorative = {pair.foreground for pair in PAIRS if pair.kind == "decorative"}
    assert all(
        name == "line" or name.endswith("-line") or name.startswith("map-") for name in decorative
    )


@pytest.mark.parametrize(
    "name", ["base-map.js", "map-common.js", "map.js", "map-leaflet.js", "program-map.js"]
)
def test_map_scripts_take_their_colours_from_the_tokens(name):
    script = (Path(settings.BASE_DIR) / "static" / "js" / name).read_text(encoding="utf-8")
    assert re.findall(r"#[0-9a-fA-F]{3,6}\b|rgba?\(", script) == []


@pytest.mark.parametrize("name", design_tokens.STYLESHEETS)
def test_no_raw_colour_outside_the_token_block(name):
    assert raw_colours(design_tokens.stylesheet(name)) == []


def test_only_portal_css_has_a_token_block():
    for name in ("map.css", "print.css"):
        with pytest.raises(ValueError, match="no :root block"):
            tokens(design_tokens.stylesheet(name))


def test_raw_colour_check_finds_literals():
    css = (
        ":root { --ink: #000; }\n"
        "a { color: #fff; }\n"
        "b { background: rgb(1, 2, 3); }\n"
        "c { border: 1px solid red; }\n"
        "d { color: var(--ink); background: transparent; outline: 3px solid currentColor; }\n"
    )
    assert raw_colours(css) == [
        (2, "color: #fff"),
        (3, "background: rgb(1, 2, 3)"),
        (4, "border: 1px solid red"),
    ]


def test_a_token_may_refer_to_another():
    css = ":root { --a: #123456; --b: var(--a); --c: 1rem; }"
    assert colour_tokens(css) == {"a": "#123456", "b": "#123456"}


def test_chart_colours_are_the_chart_tokens():
    colours = colour_tokens()
    assert [colour for colour, _dash in STYLES] == [colours[f"chart-{n}"] for n in (1, 2, 3, 4)]


def test_chart_template_takes_grid_and_labels_from_the_tokens():
    template = Path(settings.BASE_DIR) / "templates" / "tandems" / "includes" / "line_chart.html"
    assert re.findall(r"#[0-9a-fA-F]{3,6}\b", template.read_text(encoding="utf-8")) == []
