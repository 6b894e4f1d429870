"""What a reader of an English page sees, and which German texts must not be among it.

Used by tests/test_english.py (every page of the access matrix under /en/) and tests of single
pages. "Seen" is the text of the page without its tags, scripts and styles, plus the texts of
attributes a reader meets (aria-label, title, placeholder, alt, the value of a button, the
`data-label-*` texts the map's JavaScript shows) and the JSON a page hands its scripts. Text in
an element marked `lang="de"` is German on purpose (a vocabulary's German label on the staff's
vocabulary page, "Deutsch" in the language switcher) and is left out: a screen reader reads it
in German too. So is literal text: <code>, <kbd>, <samp>, <pre> and what is marked
translate="no" (the German column headers of the import's file format in its guide).

German texts: the German translations (msgstr) of the portal's catalogue that differ from their
English msgid and are distinctly German (two words or more, or an umlaut or ß), cut at their
placeholders and markup; and the German labels of every vocabulary term whose English label
differs.
"""

from __future__ import annotations

import json
import re
from functools import cache
from html.parser import HTMLParser
from pathlib import Path

import polib
from django.conf import settings

CATALOGUE = Path(settings.BASE_DIR) / "locale" / "de" / "LC_MESSAGES" / "django.po"

# German texts that may appear on an English page, each with its reason.
ALLOWED = {
    # A proper name: the federal programme the funding facet names ("Menschen stärken Menschen").
    "Menschen stärken Menschen",
}

# Literal text: column headers of a file format, slugs, values to type (`<code>Förderung</code>`
# in the import's guide); and what a page marks translate="no".
LITERAL = {"code", "kbd", "samp", "pre"}
ATTRIBUTES = {"aria-label", "title", "placeholder", "alt", "aria-description"}
BUTTON_TYPES = {"submit", "button", "reset"}
VOID = {
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
    "track", "wbr",
}  # fmt: skip
PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]|%[sdif]|\{\w*\}|<[^>]*>|&\w+;|\s[·–—|/]\s")
WORD = re.compile(r"[^\W\d_]{2,}")
UMLAUT = re.compile(r"[äöüÄÖÜß]")


class _Visible(HTMLParser):
    """The visible text of a page; German-marked parts (lang="de...") left out."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        # One entry per open element: (tag, hidden) where hidden = script/style or lang="de".
        self.stack: list[tuple[str, bool]] = []
        self.json_script = False

    @property
    def hidden(self) -> bool:
        return any(hidden for _tag, hidden in self.stack)

    def handle_starttag(self, tag, attrs):
        found = dict(attrs)
        lang = (found.get("lang") or "").lower()
        # German on purpose, or literal: left out with its attributes.
        german = tag != "html" and lang.startswith("de")
        german = german or found.get("translate") == "no" or tag in LITERAL
        json_script = tag == "script" and found.get("type") == "application/json"
        if not (self.hidden or german):
            for name, value in attrs:
                if value and (name in ATTRIBUTES or name.startswith("data-label")):
                    self.parts.append(value)
            if tag == "input" and found.get("type") in BUTTON_TYPES and found.get("value"):
                self.parts.append(found["value"])
            if tag == "meta" and found.get("name") == "description" and found.get("content"):
                self.parts.append(found["content"])
        if tag in VOID:
            return
        hidden = german or (tag in {"script", "style", "template"} and not json_script)
        self.stack.append((tag, hidden))
        self.json_script = json_script and not self.hidden

    def handle_endtag(self, tag):
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                del self.stack[index:]
                break
        self.json_script = False

    def handle_data(self, data):
        if self.json_script:
            self.parts.extend(_json_texts(data))
        elif not self.hidden:
            self.parts.append(data)


def _json_texts(data: str) -> list[str]:
    try:
        value = json.loads(data)
    except ValueError:
        return [data]
    found = []

    def walk(item):
        if isinstance(item, str):
            found.append(item)
        elif isinstance(item, dict):
            for key, inner in item.items():
                found.append(str(key))
                walk(inner)
        elif isinstance(item, list):
            for inner in item:
                walk(inner)

    walk(value)
    return found


def normal(text: str) -> str:
    return " ".join(text.split())


def visible_html(html: str) -> str:
    """The visible text of an HTML document (see the module's text)."""
    parser = _Visible()
    parser.feed(html)
    parser.close()
    return normal(" \n ".join(parser.parts))


def visible_text(response, *, header_row: bool = True) -> str:
    """What a reader meets in a response: an HTML page's visible text, a JSON document's
    strings, the unfolded lines of an iCalendar file, a CSV file as it is (without its first
    line unless `header_row`)."""
    content_type = response.get("Content-Type", "")
    if response.streaming:
        body = b"".join(response.streaming_content).decode(errors="replace")
    else:
        body = response.content.decode(errors="replace")
    if "html" in content_type:
        return visible_html(body)
    if "json" in content_type:
        return normal(" \n ".join(_json_texts(body)))
    if "calendar" in content_type:
        unfolded = body.replace("\r\n ", "").replace("\n ", "")
        return normal(re.sub(r"\\([,;\\])", r"\1", unfolded).replace("\\n", " "))
    if not header_row:
        body = body.partition("\n")[2]
    return normal(body)


def _distinct(fragment: str, english: str) -> bool:
    words = WORD.findall(fragment)
    if not words or fragment in english:
        return False
    return len(words) >= 2 or bool(UMLAUT.search(fragment))


@cache
def german_catalogue_texts() -> frozenset[str]:
    """The distinctly German fragments of the catalogue's translations (see the module's text)."""
    catalogue = polib.pofile(str(CATALOGUE))
    entries = [entry for entry in catalogue if entry.translated() and not entry.obsolete]
    english_texts = {normal(entry.msgid) for entry in entries}
    english_texts |= {normal(entry.msgid_plural) for entry in entries if entry.msgid_plural}
    # A German term the English texts use themselves ("erweitertes Führungszeugnis") is no sign
    # of a missing translation.
    all_english = " \n ".join(english_texts)
    found = set()
    for entry in entries:
        english = normal(f"{entry.msgid} {entry.msgid_plural}")
        translations = list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]
        for translation in translations:
            if normal(translation) == normal(entry.msgid):
                continue
            for fragment in PLACEHOLDER.split(translation):
                fragment = normal(fragment).strip(" .,:;!?()\"'„“…-")
                if fragment in english_texts or fragment in ALLOWED:
                    continue
                if _distinct(fragment, english) and not german_in(all_english, {fragment}):
                    found.add(fragment)
    return frozenset(found)


def german_vocabulary_names() -> set[str]:
    """The German labels of every vocabulary term whose English label differs, and the German
    names of pipeline stages that have an English one."""
    from mentoring.vocabularies import VOCABULARIES
    from tandems.models import PipelineStage

    pairs = [
        pair
        for model in VOCABULARIES.values()
        for pair in model.objects.values_list("name_de", "name_en")
    ]
    pairs += PipelineStage.objects.exclude(name_en="").values_list("name", "name_en")
    return {
        normal(german)
        for german, english in pairs
        if normal(german) != normal(english) and german not in ALLOWED
    }


def german_in(text: str, german: set[str] | frozenset[str]) -> list[str]:
    """The German texts found in `text` as whole words (not "Ort" in "Orte")."""
    found = []
    for phrase in german:
        if phrase in text and re.search(rf"(?<!\w){re.escape(phrase)}(?!\w)", text):
            found.append(phrase)
    return sorted(found)


def in_context(text: str, phrases: list[str], width: int = 40) -> list[str]:
    """Each phrase with the text around its first occurrence, for a readable failure."""
    shown = []
    for phrase in phrases:
        match = re.search(rf"(?<!\w){re.escape(phrase)}(?!\w)", text)
        start = max(match.start() - width, 0) if match else 0
        end = match.end() + width if match else 0
        shown.append(f"{phrase!r} in …{text[start:end]}…")
    return shown
