"""The tables and forms sections of the living style page render in German and in English."""

import pytest
from django.template.loader import render_to_string
from django.utils import translation


@pytest.mark.parametrize(
    ("language", "texts"),
    [
        ("de", ["Wartet seit", "(absteigend sortieren)", "Schritt 1 von 4: Über Sie", "Weiter"]),
        ("en", ["Waiting since", "(sort descending)", "Step 1 of 4: About you", "Next"]),
    ],
)
def test_style_snippets_in_both_languages(language, texts):
    with translation.override(language):
        html = render_to_string("network/style/_tables.html") + render_to_string(
            "network/style/_forms.html"
        )

    assert [text for text in texts if text not in html] == []
    assert html.count('aria-sort="ascending"') == 1
    assert html.count('class="num"') == 8
    assert 'aria-invalid="true"' in html
    assert 'aria-current="step"' in html
