"""English everywhere: every page of the access matrix, under /en/, for each role that may see
it, shows no German text of the catalogue and no German vocabulary label (tests/english.py says
what counts as seen and as German)."""

import pytest

from tests.access_matrix import MATRIX, build_world, expected_status
from tests.english import (
    german_catalogue_texts,
    german_in,
    german_vocabulary_names,
    in_context,
    visible_html,
    visible_text,
)

# coordinator_b sees the same pages as coordinator_a, of a program with less in it.
ROLES = ["anonymous", "volunteer", "applicant", "mentor", "coordinator_a", "staff", "operator"]
# Outside the language prefix: status words and an icon, the same in every language.
UNTRANSLATED = {"healthz", "healthz/ready", "favicon.ico"}
# Files of the import's formats: their header row is the format's German column names in every
# language (docs/import.md; the open data file imports again), its rows are checked.
FILE_FORMATS = {
    "programme/export.csv",
    "koordination/programme/<slug:slug>/import/vorlage-<str:kind>.<str:extension>",
}


def test_the_catalogue_yields_german_texts_to_look_for():
    german = german_catalogue_texts()

    assert {"Programme finden", "Zurück zur Liste"} <= german
    assert len(german) > 1000
    # A proper name, a German term the English texts use themselves, a single plain word.
    assert {"Menschen stärken Menschen", "Führungszeugnis", "Suche"}.isdisjoint(german)


def test_the_check_reads_text_attributes_and_script_data_but_not_marked_german():
    german = german_catalogue_texts() | {"Kinder"}
    html = """<!DOCTYPE html><html lang="en"><head><title>Find programs</title>
      <script>const t = "Zurück zur Liste";</script><style>p::after{content:"Kinder"}</style>
      </head><body><p>Programme finden</p>
      <a href="/" aria-label="Zurück zur Liste">Back</a>
      <div id="map" data-label-none="Kinder"></div>
      <script type="application/json" id="texts">{"more": "Programme finden"}</script>
      <td lang="de">Kinder</td><code>Kinderheim</code><select translate="no"><option>Kinder
      </option></select><p>Kinderbuch, Programme finden-Seite</p></body></html>"""

    text = visible_html(html)

    # "Zurück" (the steps' "Back") is a German text of its own, found inside "Zurück zur Liste".
    assert german_in(text, german) == ["Kinder", "Programme finden", "Zurück", "Zurück zur Liste"]
    assert text.count("Kinder") == 2  # the data-label text and "Kinderbuch"
    assert text.count("Programme finden") == 3  # page, script data, "…finden-Seite"
    assert "const t" not in text


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_english_pages_show_no_german(client, role):
    world = build_world()
    user = world["users"][role]
    if user is not None:
        client.force_login(user)
    catalogue = german_catalogue_texts()
    vocabularies = german_vocabulary_names()
    pages = 0
    german = {}
    for route, (template, expected) in MATRIX.items():
        if route in UNTRANSLATED or expected_status(expected, role) != 200:
            continue
        path = "/en" + template.format(**world["values"])
        response = client.get(path, HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 200, path
        text = visible_text(response, header_row=route not in FILE_FORMATS)
        found = german_in(text, catalogue | vocabularies)
        if found:
            german[path] = in_context(text, found)
        pages += 1

    assert german == {}, "\n".join(
        f"{path}: {line}" for path, found in german.items() for line in found
    )
    assert pages > 20
