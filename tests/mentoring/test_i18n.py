import shutil
import subprocess
import sys
from pathlib import Path

import polib

from tests.conftest import require_service

ROOT = Path(__file__).resolve().parents[2]
GERMAN = ROOT / "locale" / "de" / "LC_MESSAGES" / "django.po"


def test_german_catalogue_has_no_untranslated_or_fuzzy_entry():
    catalogue = polib.pofile(str(GERMAN))

    untranslated = [entry.msgid for entry in catalogue.untranslated_entries()]
    fuzzy = [entry.msgid for entry in catalogue.fuzzy_entries()]

    assert untranslated == []
    assert fuzzy == []


def test_german_catalogue_covers_every_string_in_the_code(tmp_path):
    """Extract the strings afresh from a copy of the sources: a new string without a German
    translation fails here."""
    require_service(shutil.which("xgettext") is not None, "GNU gettext (xgettext) is not installed")
    copy = tmp_path / "src"
    shutil.copytree(
        ROOT,
        copy,
        ignore=shutil.ignore_patterns(
            ".venv",
            ".git",
            "node_modules",
            "staticfiles",
            "var",
            "tests",
            "*.mo",
            "__pycache__",
            "vendor",
        ),
    )
    (copy / "locale" / "de" / "LC_MESSAGES" / "django.po").unlink()

    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "de", "--no-location", "-v0"],
        cwd=copy,
        check=True,
        capture_output=True,
        env={
            "PATH": "/usr/bin:/bin",
            "DEBUG": "true",
            "DATABASE_URL": f"sqlite:///{tmp_path}/x.db",
        },
        timeout=120,
    )
    extracted = {e.msgid for e in polib.pofile(str(copy / "locale/de/LC_MESSAGES/django.po"))}
    translated = {e.msgid for e in polib.pofile(str(GERMAN)) if e.translated() and not e.obsolete}

    assert sorted(extracted - translated) == []


def test_gender_inclusive_forms_use_the_colon():
    catalogue = polib.pofile(str(GERMAN))

    texts = " ".join(e.msgstr or " ".join(e.msgstr_plural.values()) for e in catalogue)
    for star_or_slash in ("Mentor*innen", "Mentor/innen", "MentorInnen", "Koordinator*innen"):
        assert star_or_slash not in texts
